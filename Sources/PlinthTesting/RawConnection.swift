import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP connection to a loopback port, for tests that must send what no HTTP client
/// sends: half a header, two `Host` lines, a body that stops. Blocking calls run off the
/// cooperative pool (``offPool(_:)``).
public final class RawConnection: Sendable {
    let fd: Int32

    /// Connects to `127.0.0.1:port`.
    public init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard connected == 0 else {
            close(fd)
            throw RawConnectionError(description: "cannot connect to 127.0.0.1:\(port): errno \(errno)")
        }
    }

    deinit { close(fd) }

    public func send(_ text: String) throws {
        try send(bytes: Array(text.utf8))
    }

    /// Sends raw bytes (a hand-made WebSocket frame).
    public func send(bytes: [UInt8]) throws {
        let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == bytes.count else { throw RawConnectionError(description: "send failed: errno \(errno)") }
    }

    /// What the server sends until a whole response head (up to its blank line) is in, it
    /// closes the connection, or `timeout` seconds pass.
    public func readHead(timeout: Double = 10) async throws -> String {
        try await readUntilClosed(timeout: timeout, until: { $0.contains("\r\n\r\n") }).text
    }

    /// Everything the server sends until it closes the connection, `until` holds for what came
    /// so far, or `timeout` seconds pass.
    /// - Returns: the bytes as text, and whether the server closed the connection.
    public func readUntilClosed(timeout: Double, until done: @escaping @Sendable (String) -> Bool = { _ in false }) async throws -> (text: String, closed: Bool) {
        let (bytes, closed) = try await readBytesUntilClosed(timeout: timeout) { done(String(decoding: $0, as: UTF8.self)) }
        return (String(decoding: bytes, as: UTF8.self), closed)
    }

    /// ``readUntilClosed(timeout:until:)`` as bytes.
    public func readBytesUntilClosed(timeout: Double, until done: @escaping @Sendable ([UInt8]) -> Bool = { _ in false }) async throws -> (bytes: [UInt8], closed: Bool) {
        let fd = self.fd
        return try await offPool {
            var received = [UInt8]()
            let deadline = Date().addingTimeInterval(timeout)
            var buffer = [UInt8](repeating: 0, count: 65536)
            while Date() < deadline {
                var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let left = Int32(max(1, deadline.timeIntervalSinceNow * 1000))
                guard poll(&poller, 1, left) > 0 else { continue }
                let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count <= 0 { return (received, true) }
                received += buffer[0..<count]
                if done(received) { return (received, false) }
            }
            return (received, false)
        }
    }

}

public struct RawConnectionError: Error, CustomStringConvertible {
    public let description: String
}
