import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import PlinthKernel
import PlinthTesting
import Testing

/// What the server does with clients that hold connections without using them, or send what
/// HTTP/1.1 forbids; each over a real loopback socket.
@Suite struct ConnectionGuardTests {
    static let short = ["PLINTH_HEADER_TIMEOUT": "0.5", "PLINTH_BODY_TIMEOUT": "0.5", "PLINTH_KEEPALIVE_TIMEOUT": "0.5"]

    func serving<T: Sendable>(_ environment: [String: String] = short, logs: LogCapture? = nil, _ body: @escaping @Sendable (Int) async throws -> T) async throws -> T {
        try await TestKernel.run(plugins: [PluginEntry(NotesPlugin.self)], backend: .sqlite, environment: environment, logs: logs) { kernel in
            try await kernel.serve(body)
        }
    }

    @Test func aHalfSentHeaderIsClosedAfterTheHeaderTimeout() async throws {
        let logs = LogCapture()
        try await serving(logs: logs) { port in
            let slowloris = try RawConnection(port: port)
            try slowloris.send("GET /health HTTP/1.1\r\nHost: localhost\r\nX-a: ")
            // Closed by the server, which would otherwise hold it for good.
            let (_, closed) = try await slowloris.readUntilClosed(timeout: 5)
            #expect(closed)
        }
        #expect(!logs.lines(containing: "PLINTH_HEADER_TIMEOUT").isEmpty)
    }

    @Test func aSilentConnectionAndAnIdleKeptAliveOneAreClosed() async throws {
        try await serving { port in
            let silent = try RawConnection(port: port)
            #expect(try await silent.readUntilClosed(timeout: 5).closed)
            let kept = try RawConnection(port: port)
            try kept.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
            let (text, closed) = try await kept.readUntilClosed(timeout: 5)
            #expect(text.hasPrefix("HTTP/1.1 200"))
            #expect(closed, "closed after the keep-alive timeout")
        }
    }

    @Test func aStalledBodyIsClosedAfterTheBodyTimeout() async throws {
        try await serving { port in
            let stalled = try RawConnection(port: port)
            try stalled.send("POST /api/notes HTTP/1.1\r\nHost: localhost\r\nx-notes-key: k\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"body\":")
            let (_, closed) = try await stalled.readUntilClosed(timeout: 5)
            #expect(closed)
        }
    }

    @Test func aConnectionOverTheCapIsClosedAndTheOthersStillServe() async throws {
        let logs = LogCapture()
        try await serving(["PLINTH_MAX_CONNECTIONS": "3"], logs: logs) { port in
            let held = try (0..<3).map { _ in try RawConnection(port: port) }
            // Make sure the three are accepted before the fourth arrives.
            for connection in held { try connection.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n") }
            for connection in held {
                let text = try await connection.readHead()
                #expect(text.hasPrefix("HTTP/1.1 200"), "\(text.debugDescription)")
            }
            let fourth = try RawConnection(port: port)
            try? fourth.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
            let refused = try await fourth.readUntilClosed(timeout: 5)
            #expect(refused.closed)
            #expect(refused.text.isEmpty)
            // One held connection still serves.
            try held[0].send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
            #expect(try await held[0].readHead().hasPrefix("HTTP/1.1 200"))
        }
        #expect(!logs.lines(containing: "PLINTH_MAX_CONNECTIONS").isEmpty)
    }

    @Test func hostHeadersAndTransferCodingsFollowRFC9112() async throws {
        try await serving { port in
            for (request, status) in [
                ("GET /health HTTP/1.1\r\n\r\n", "400"),
                ("GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "400"),
                ("POST /api/notes HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n", "501"),
                ("GET /health HTTP/1.0\r\n\r\n", "200"),
            ] {
                let connection = try RawConnection(port: port)
                try connection.send(request)
                let answer = try await connection.readHead()
                #expect(answer.split(separator: " ").dropFirst().first.map(String.init) == status, "\(request.debugDescription): \(answer.prefix(60))")
            }
        }
    }

    @Test func anHTTP10ClientGetsAStreamWithoutChunkedFraming() async throws {
        try await serving { port in
            let connection = try RawConnection(port: port)
            try connection.send("GET /api/notes/stream HTTP/1.0\r\n\r\n")
            let (text, closed) = try await connection.readUntilClosed(timeout: 5)
            #expect(text.hasPrefix("HTTP/1.0 200"), "\(text.prefix(80))")
            #expect(!text.lowercased().contains("transfer-encoding"))
            #expect(text.hasSuffix("one\ntwo\n"), "\(text.suffix(40).debugDescription)")
            #expect(closed)
        }
    }

    @Test func aChunkedBodyOverTheLimitIs413() async throws {
        try await TestKernel.run(plugins: [PluginEntry(NotesPlugin.self)], backend: .sqlite, environment: ["PLINTH_MAX_BODY_SIZE": "1kb"]) { kernel in
            try await kernel.serve { port in
                let connection = try RawConnection(port: port)
                let chunk = String(repeating: "a", count: 2048)
                try connection.send("POST /api/notes HTTP/1.1\r\nHost: a\r\nx-notes-key: k\r\ncontent-type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n\(chunk)\r\n0\r\n\r\n")
                let answer = try await connection.readUntilClosed(timeout: 10, until: { $0.contains("\r\n\r\n") })
                #expect(answer.text.hasPrefix("HTTP/1.1 413"), "\(answer)")
            }
        }
    }
}
