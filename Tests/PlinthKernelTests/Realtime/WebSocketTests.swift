import Foundation
import PlinthKernel
import PlinthTesting
import SQLKit
import Synchronization
import Testing

/// `/ws` and plugins' socket routes, over real loopback connections.
@Suite struct WebSocketTests {
    static func field(_ value: JSONValue?, _ path: String...) -> JSONValue? {
        var current = value
        for key in path {
            guard case .object(let fields)? = current else { return nil }
            current = fields[key]
        }
        return current
    }

    @Test(arguments: TestBackend.all)
    func theSocketSpeaksTheWorkscriptProtocol(backend: TestBackend) async throws {
        try await TestKernel.run(plugins: [PluginEntry(NewsPlugin.self)], backend: backend) { kernel in
            let channels = kernel.channels
            try await kernel.serve { port in
                let socket = try await SocketClient.connect(port: port)
                let welcome = await socket.next()
                #expect(Self.field(welcome, "type") == "connection.welcome")
                guard case .string(let id)? = Self.field(welcome, "payload", "clientId") else { Issue.record("no clientId in \(String(describing: welcome))"); return }
                #expect(id.wholeMatch(of: /client_\d{13}_[0-9a-z]{9}/) != nil, "\(id)")
                guard case .number(let stamp)? = Self.field(welcome, "timestamp") else { Issue.record("no timestamp"); return }
                #expect(abs(stamp - Date().timeIntervalSince1970 * 1000) < 60_000)

                socket.send(["type": "ping"])
                #expect(Self.field(await socket.next(), "type") == "pong")
                socket.send(["type": "system:ping"])
                let system = await socket.next()
                #expect(Self.field(system, "type") == "system:pong")
                #expect(Self.field(system, "payload", "serverId") != nil)
                socket.send(["type": "dance"])
                #expect(Self.field(await socket.next(), "payload", "error") == "Unknown message type: dance")
                socket.send("{not json")
                #expect(Self.field(await socket.next(), "payload", "error") == "Invalid message format")

                // Both forms upstream accepts.
                socket.send(["type": "subscribe", "payload": ["channel": "news"]])
                let subscribed = await socket.next()
                #expect(Self.field(subscribed, "type") == "subscribed" && Self.field(subscribed, "payload", "channel") == "news")
                let sent = try await channels.publish("story.published", payload: ["title": "hello"], to: "news")
                let story = await socket.next()
                #expect(Self.field(story, "type") == "story.published")
                #expect(Self.field(story, "channel") == "news")
                #expect(Self.field(story, "id") == .string(sent.id))
                #expect(Self.field(story, "payload", "title") == "hello")
                #expect(Self.field(story, "timestamp") == .number((sent.timestamp.timeIntervalSince1970 * 1000).rounded()))

                socket.send(["type": "unsubscribe", "channel": "news"])
                #expect(Self.field(await socket.next(), "type") == "unsubscribed")
                _ = try await channels.publish("story.published", payload: ["title": "unseen"], to: "news")
                socket.send(["type": "subscribe", "channel": "gossip"])
                let refused = await socket.next()
                #expect(Self.field(refused, "type") == "error")
                #expect(Self.field(refused, "payload", "status") == .number(404))
                #expect(Self.field(refused, "payload", "channel") == "gossip")
                #expect(!socket.received.contains { $0.contains("unseen") })
                // An anonymous socket: a signed-in channel answers 401 and the socket stays.
                socket.send(["type": "subscribe", "channel": "tenant:acme:news"])
                #expect(Self.field(await socket.next(), "payload", "status") == .number(401))
                socket.send(["type": "ping"])
                #expect(Self.field(await socket.next(), "type") == "pong")
                try await socket.close()
            }
        }
    }

    @Test(arguments: TestBackend.all)
    func aClientOnOneInstanceReceivesWhatAnotherPublishes(backend: TestBackend) async throws {
        let schema = backend.isPostgres ? "t_ws_" + UUID().uuidString.prefix(8).lowercased() : nil
        try await TestKernel.run(plugins: [PluginEntry(NewsPlugin.self)], backend: backend, schema: schema) { a in
            let channels = a.channels
            try await a.serve { port in
                let socket = try await SocketClient.connect(port: port)
                socket.send(["type": "subscribe", "channel": "news", "after": "none"])
                #expect(await socket.next(type: "subscribed") != nil)
                if let schema {
                    try await TestKernel.run(plugins: [PluginEntry(NewsPlugin.self)], backend: backend, schema: schema) { b in
                        let started = ContinuousClock.now
                        let sent = try await b.channels.publish("story.published", payload: ["by": "b"], to: "news")
                        let received = await socket.next(type: "story.published")
                        #expect(Self.field(received, "id") == .string(sent.id))
                        #expect(ContinuousClock.now - started < .seconds(2))
                    }
                } else {
                    let sent = try await channels.publish("story.published", payload: ["by": "a"], to: "news")
                    #expect(Self.field(await socket.next(type: "story.published"), "id") == .string(sent.id))
                }
                try await socket.close()
            }
            if let schema { try await a.database.sql.raw("DROP SCHEMA \(ident: schema) CASCADE").run() }
        }
    }

    @Test(arguments: TestBackend.all)
    func aSubscriptionResumesAfterTheLastMessageSeen(backend: TestBackend) async throws {
        try await TestKernel.run(plugins: [PluginEntry(NewsPlugin.self)], backend: backend) { kernel in
            let channels = kernel.channels
            try await kernel.serve { port in
                let first = try await SocketClient.connect(port: port)
                first.send(["type": "subscribe", "channel": "news"])
                #expect(await first.next(type: "subscribed") != nil)
                var sent: [ChannelMessage] = []
                for index in 0..<4 { sent.append(try await channels.publish("tick", payload: .number(Double(index)), to: "news")) }
                for _ in 0..<4 { _ = await first.next(type: "tick") }
                try await first.close()
                let again = try await SocketClient.connect(port: port)
                again.send(["type": "subscribe", "channel": "news", "after": .string(sent[1].id)])
                #expect(await again.next(type: "subscribed") != nil)
                #expect(Self.field(await again.next(type: "tick"), "id") == .string(sent[2].id))
                #expect(Self.field(await again.next(type: "tick"), "id") == .string(sent[3].id))
                try await again.close()
            }
        }
    }

    @Test(arguments: TestBackend.all)
    func aClientThatStopsReadingIsClosedAndTheOthersKeepUp(backend: TestBackend) async throws {
        try await TestKernel.run(plugins: [PluginEntry(NewsPlugin.self)], backend: backend, environment: ["PLINTH_REALTIME_QUEUE": "8"]) { kernel in
            let (channels, metrics) = (kernel.channels, kernel.metrics)
            try await kernel.serve { port in
                // A raw client that subscribes, then never reads again.
                let slow = try RawConnection(port: port)
                try slow.send("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                #expect(try await slow.readHead().hasPrefix("HTTP/1.1 101"))
                let subscribe = Array(#"{"type":"subscribe","channel":"news"}"#.utf8)
                // A masked text frame; a zero mask leaves the bytes as they are.
                try slow.send(bytes: [0x81, 0x80 | UInt8(subscribe.count), 0, 0, 0, 0] + subscribe)
                _ = try await slow.readBytesUntilClosed(timeout: 2) { String(decoding: $0, as: UTF8.self).contains("subscribed") }

                let fast = try await SocketClient.connect(port: port)
                fast.send(["type": "subscribe", "channel": "news"])
                #expect(await fast.next(type: "subscribed") != nil)
                let chunk = JSONValue.string(String(repeating: "x", count: 60_000))
                var received = 0
                // Once the server gives up on it, the slow client reads again: the server drains
                // what it had queued and sends the close frame within its 5 s of grace, which a
                // loaded machine could spend on the publishing below.
                let dropped = #"plinth_realtime_messages_dropped_total{channel="news"}"#
                var reading: Task<(bytes: [UInt8], closed: Bool), any Error>?
                for index in 0..<300 {
                    _ = try await channels.publish("big", payload: ["n": .number(Double(index)), "body": chunk], to: "news")
                    if await fast.nextText(within: 10, where: { $0.hasSuffix(#""type":"big"}"#) }) != nil { received += 1 }
                    if reading == nil, metrics.registry.emitToString().contains(dropped) {
                        reading = Task { try await slow.readBytesUntilClosed(timeout: 30) }
                    }
                }
                #expect(received == 300)
                guard let reading else { Issue.record("the slow client was never dropped"); return }
                let (bytes, closed) = try await reading.value
                #expect(closed)
                // Its close frame, 1013 with the reason, is the last thing it was sent.
                let close: [UInt8] = [0x88, UInt8(2 + "slow-consumer".utf8.count), 0x03, 0xF5] + Array("slow-consumer".utf8)
                #expect(bytes.count >= close.count && Array(bytes.suffix(close.count)) == close, "ends with \(Array(bytes.suffix(20)))")
                let metrics = metrics.registry.emitToString()
                #expect(metrics.contains(#"plinth_realtime_messages_dropped_total{channel="news"}"#), "\(metrics)")
                try await fast.close()
            }
        }
    }

    /// The gauge of open subscriptions of `channel`, as /metrics shows it.
    static func subscriptions(_ metrics: KernelMetrics, _ channel: String) -> Double? {
        metrics.registry.emitToString().split(separator: "\n")
            .first { $0.hasPrefix("plinth_realtime_subscriptions") && $0.contains(#"channel="\#(channel)""#) }
            .flatMap { $0.split(separator: " ").last.flatMap { Double($0) } }
    }

    @Test(arguments: TestBackend.all)
    func subscriptionsAreCountedAndShutdownClosesTheSocket(backend: TestBackend) async throws {
        final class Kept: Sendable { let socket = Mutex<SocketClient?>(nil) }
        let kept = Kept()
        try await TestKernel.run(plugins: [PluginEntry(NewsPlugin.self)], backend: backend) { kernel in
            let metrics = kernel.metrics
            try await kernel.serve { port in
                let socket = try await SocketClient.connect(port: port)
                socket.send(["type": "subscribe", "channel": "news"])
                #expect(await socket.next(type: "subscribed") != nil)
                #expect(Self.subscriptions(metrics, "news") == 1)
                socket.send(["type": "unsubscribe", "channel": "news"])
                #expect(await socket.next(type: "unsubscribed") != nil)
                #expect(Self.subscriptions(metrics, "news") == 0)
                socket.send(["type": "subscribe", "channel": "news"])
                #expect(await socket.next(type: "subscribed") != nil)
                kept.socket.withLock { $0 = socket }
            }
            #expect(Self.subscriptions(metrics, "news") == 0, "shutdown ended the subscription")
        }
        let closed = try await kept.socket.withLock { $0 }?.closedByServer(within: 10)
        // The WebSocket library closes its sockets itself on the server's graceful shutdown (1000),
        // which races the kernel's 1001; either way the socket ends with the server.
        #expect(closed.map { [1000, 1001].contains($0.code) } == true, "\(String(describing: closed))")
    }

    @Test(arguments: TestBackend.all)
    func pluginsMountTheirOwnSocketsWithAPolicy(backend: TestBackend) async throws {
        try await TestKernel.run(plugins: [PluginEntry(NewsPlugin.self)], backend: backend) { kernel in
            try await kernel.serve { port in
                let echo = try await SocketClient.connect(port: port, path: "/api/news/echo")
                echo.send("hi")
                #expect(await echo.nextText() == "echo: hi")
                try await echo.close()

                // Refused by its policy: it opens, says why, and closes with 1008.
                let refused = try await SocketClient.connect(port: port, path: "/api/news/private")
                let closed = try await refused.closedByServer()
                #expect(closed?.code == 1008, "\(String(describing: closed))")
                #expect(closed?.reason?.isEmpty == false)
                #expect(!refused.received.contains("welcome"))
                #expect(Self.field(await refused.next(type: "error"), "payload", "error") != nil)

                // A plain GET of a socket route says what it is; the document lists it as 101.
                let plain = try await httpGet("http://127.0.0.1:\(port)/api/news/echo")
                #expect(plain.status == 426)
                #expect(plain.headers["content-type"] == "application/problem+json")
                let document = try await httpGet("http://127.0.0.1:\(port)/openapi.json")
                #expect(document.body.contains(#""101""#))
                #expect(document.body.contains("kernel.realtime.socket") && document.body.contains("news.echo"))
            }
        }
    }

    @Test(arguments: TestBackend.all)
    func anUpgradeToAPathWithoutASocketFails(backend: TestBackend) async throws {
        try await TestKernel.run(plugins: [PluginEntry(NewsPlugin.self)], backend: backend) { kernel in
            try await kernel.serve { port in
                let raw = try RawConnection(port: port)
                try raw.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                #expect(try await raw.readHead().hasPrefix("HTTP/1.1 400"))
                // The connection guard still refuses what it refused before upgrades existed.
                let twoHosts = try RawConnection(port: port)
                try twoHosts.send("GET /ws HTTP/1.1\r\nHost: a\r\nHost: b\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                #expect(try await twoHosts.readHead().hasPrefix("HTTP/1.1 400"))
            }
        }
    }

    @Test(arguments: TestBackend.all)
    func framesSentWithTheHandshakeAreRead(backend: TestBackend) async throws {
        try await TestKernel.run(plugins: [PluginEntry(NewsPlugin.self)], backend: backend) { kernel in
            try await kernel.serve { port in
                // One packet: the upgrade request and a first frame, before any answer came.
                let ping = Array(#"{"type":"ping"}"#.utf8)
                let raw = try RawConnection(port: port)
                try raw.send(bytes: Array("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n".utf8) + [0x81, 0x80 | UInt8(ping.count), 0, 0, 0, 0] + ping)
                let (bytes, _) = try await raw.readBytesUntilClosed(timeout: 10) { String(decoding: $0, as: UTF8.self).contains("pong") }
                let text = String(decoding: bytes, as: UTF8.self)
                #expect(text.hasPrefix("HTTP/1.1 101") && text.contains(#""type":"pong""#), "\(text)")
                // The server is still up for others.
                #expect(try await httpGet("http://127.0.0.1:\(port)/health").status == 200)
            }
        }
    }
}
