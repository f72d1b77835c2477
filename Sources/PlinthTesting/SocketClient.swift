import Foundation
import HTTPTypes
import PlinthKernel
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A WebSocket client for tests: connects to a loopback `/ws` (or any socket route), keeps every
/// text message it receives, sends on request, and reports how the server closed.
///
/// It speaks RFC 6455 over a plain socket, with exactly the headers it is given (no `Origin`
/// unless a test sends one). A library client was used first; it sometimes lost the frames a
/// server sends in the same TCP segment as its `101` (a refusal's error and close frame), and
/// the test then waited for messages that had arrived.
///
/// ```swift
/// let socket = try await SocketClient.connect(port: port, path: "/ws")
/// #expect(await socket.next(type: "connection.welcome") != nil)
/// socket.send(["type": "subscribe", "channel": "news"])
/// ```
public final class SocketClient: Sendable {
    struct Received {
        var messages: [String] = []
        var taken = 0
        /// Set when the connection ended: the server's close code and reason (1006 without a frame).
        var ended: (code: Int, reason: String?)?
    }

    /// What the reader thread and the test share.
    final class Shared: Sendable {
        let received = Mutex(Received())
        /// The socket, nil once the reader closed it; writes hold the lock so they never reach a
        /// descriptor number that was closed and handed out again.
        let socket: Mutex<Int32?>

        init(fd: Int32) { socket = Mutex(fd) }

        func shutDown() {
            socket.withLock { fd in if let fd { shutdown(fd, Int32(SHUT_RDWR)) } }
        }
    }

    private let shared: Shared

    private init(fd: Int32) {
        shared = Shared(fd: fd)
    }

    deinit {
        shared.shutDown()
    }

    /// Connects to `ws://127.0.0.1:<port><path>` with `headers` on the upgrade request.
    /// - Throws: when the connection fails or the server answers other than 101.
    public static func connect(port: Int, path: String = "/ws", headers: HTTPFields = [:]) async throws -> SocketClient {
        let raw = try RawConnection(port: port)
        let fd = dup(raw.fd)
        let key = Data((0..<16).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n"
        for field in headers { request += "\(field.name.rawName): \(field.value)\r\n" }
        try raw.send(request + "\r\n")
        // Read the head byte by byte: whatever follows it is the first frames, which the reader gets.
        let head = try await offPool { () throws -> String in
            var head = [UInt8]()
            var byte: UInt8 = 0
            while !head.ends(with: [13, 10, 13, 10]) {
                guard recv(fd, &byte, 1, 0) == 1 else { break }
                head.append(byte)
            }
            return String(decoding: head, as: UTF8.self)
        }
        guard head.hasPrefix("HTTP/1.1 101") else {
            Glibc.close(fd)
            throw RawConnectionError(description: "the upgrade to \(path) was answered '\(head.prefix { $0 != "\r" })'")
        }
        let client = SocketClient(fd: fd)
        client.startReading(fd)
        return client
    }

    private func startReading(_ fd: Int32) {
        let shared = self.shared
        let thread = Thread {
            var reader = FrameReader()
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            var ended: (code: Int, reason: String?) = (1006, nil)
            reading: while true {
                let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { break }
                reader.append(buffer[0..<count])
                while let frame = reader.next() {
                    switch frame.opcode {
                    case 0x1: shared.received.withLock { $0.messages.append(String(decoding: frame.payload, as: UTF8.self)) }
                    case 0x8:
                        let code = frame.payload.count >= 2 ? Int(frame.payload[0]) << 8 | Int(frame.payload[1]) : 1005
                        let reason = frame.payload.count > 2 ? String(decoding: frame.payload.dropFirst(2), as: UTF8.self) : nil
                        ended = (code, reason)
                        Self.write(shared, opcode: 0x8, Array(frame.payload.prefix(2)))
                        break reading
                    case 0x9: Self.write(shared, opcode: 0xA, frame.payload)
                    default: break
                    }
                }
            }
            shared.socket.withLock { descriptor in
                if let open = descriptor { Glibc.close(open) }
                descriptor = nil
            }
            shared.received.withLock { $0.ended = ended }
        }
        thread.start()
    }

    /// Sends `text` as one message; after the connection ended, nothing.
    public func send(_ text: String) {
        Self.write(shared, opcode: 0x1, Array(text.utf8))
    }

    /// Sends `value` as one JSON message.
    public func send(_ value: JSONValue) {
        send(String(decoding: (try? JSONEncoder().encode(value)) ?? Data(), as: UTF8.self))
    }

    /// One masked frame, as a client sends it.
    static func write(_ shared: Shared, opcode: UInt8, _ payload: [UInt8]) {
        var frame: [UInt8] = [0x80 | opcode]
        switch payload.count {
        case ..<126: frame.append(0x80 | UInt8(payload.count))
        case ..<65536: frame += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        default: frame += [0x80 | 127] + (0..<8).reversed().map { UInt8(truncatingIfNeeded: payload.count >> ($0 * 8)) }
        }
        let mask = (0..<4).map { _ in UInt8.random(in: 0...255) }
        frame += mask
        frame += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        shared.socket.withLock { fd in
            guard let fd else { return }
            var sent = 0
            while sent < frame.count {
                let count = frame[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard count > 0 else { return }
                sent += count
            }
        }
    }

    /// The next message not taken yet (of `type`, skipping others, when given), parsed as JSON
    /// when it is; nil after `seconds`.
    public func next(type: String? = nil, within seconds: Double = 30) async -> JSONValue? {
        guard let text = await nextText(within: seconds, where: { text in
            guard let type else { return true }
            // A cheap scan first: tests send large payloads, which a full parse per look would slow.
            return text.contains("\"type\":\"\(type)\"") && Self.type(of: text) == type
        }) else { return nil }
        return (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .string(text)
    }

    /// The next text message matching `condition`; earlier ones that do not match are skipped.
    /// Nil after `seconds`, or once the connection ended with nothing matching left.
    public func nextText(within seconds: Double = 30, where condition: @escaping @Sendable (String) -> Bool = { _ in true }) async -> String? {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            let (found, ended) = shared.received.withLock { state -> (String?, Bool) in
                while state.taken < state.messages.count {
                    let text = state.messages[state.taken]
                    state.taken += 1
                    if condition(text) { return (text, false) }
                }
                return (nil, state.ended != nil)
            }
            if let found { return found }
            if ended { return nil }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }

    /// Every message received so far.
    public var received: [String] { shared.received.withLock { $0.messages } }

    /// Closes from this side (1000) and waits up to 10 s for the server's answer.
    /// - Returns: the server's close code and reason, nil when it did not answer in time.
    @discardableResult
    public func close() async throws -> (code: Int, reason: String?)? {
        if let ended = shared.received.withLock({ $0.ended }) { return ended }
        Self.write(shared, opcode: 0x8, [0x03, 0xE8])
        return try await closedByServer(within: 10)
    }

    /// Waits up to `seconds` for the connection to end; the server's close code and reason
    /// (1006 when it closed without a close frame), or nil when it did not end in time (the
    /// client then closes).
    public func closedByServer(within seconds: Double = 30) async throws -> (code: Int, reason: String?)? {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if let ended = shared.received.withLock({ $0.ended }) { return ended }
            try await Task.sleep(for: .milliseconds(5))
        }
        shared.shutDown()
        return nil
    }

    static func type(of text: String) -> String? {
        guard case .object(let fields)? = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)), case .string(let type)? = fields["type"] else { return nil }
        return type
    }
}

/// Whole frames out of the bytes a server sends (unmasked, RFC 6455 section 5.2); a fragmented
/// message comes out whole, with its first frame's opcode.
struct FrameReader {
    private var bytes: [UInt8] = []
    private var fragments: (opcode: UInt8, payload: [UInt8])?

    mutating func append(_ more: ArraySlice<UInt8>) { bytes += more }

    mutating func next() -> (opcode: UInt8, payload: [UInt8])? {
        while true {
            guard bytes.count >= 2 else { return nil }
            let fin = bytes[0] & 0x80 != 0, opcode = bytes[0] & 0x0F
            var length = Int(bytes[1] & 0x7F), offset = 2
            if length == 126 {
                guard bytes.count >= 4 else { return nil }
                length = Int(bytes[2]) << 8 | Int(bytes[3])
                offset = 4
            } else if length == 127 {
                guard bytes.count >= 10 else { return nil }
                length = bytes[2..<10].reduce(0) { $0 << 8 | Int($1) }
                offset = 10
            }
            guard bytes.count >= offset + length else { return nil }
            let payload = Array(bytes[offset..<(offset + length)])
            bytes.removeFirst(offset + length)
            if opcode >= 0x8 { return (opcode, payload) }
            if opcode != 0 { fragments = (opcode, payload) } else { fragments?.payload += payload }
            if fin, let whole = fragments {
                fragments = nil
                return whole
            }
        }
    }
}

extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
