import Foundation
import PlinthKernel
import PlinthTesting
import SQLKit
import Synchronization
import Testing

/// Reads a subscription in the background; the test takes messages with a time limit.
final class Inbox: Sendable {
    final class Received: Sendable {
        let state = Mutex<(messages: [ChannelMessage], taken: Int)>(([], 0))
    }
    private let received = Received()
    private let reader: Task<Void, Never>

    init(_ subscription: ChannelSubscription) {
        let received = self.received
        reader = Task {
            for await message in subscription { received.state.withLock { $0.messages.append(message) } }
        }
    }

    deinit { reader.cancel() }

    /// The next message not taken yet, or nil after `seconds`.
    func next(within seconds: Double = 5) async -> ChannelMessage? {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            let message = received.state.withLock { state -> ChannelMessage? in
                guard state.taken < state.messages.count else { return nil }
                state.taken += 1
                return state.messages[state.taken - 1]
            }
            if let message { return message }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }
}

@Suite struct ChannelsTests {
    @Test(arguments: TestBackend.all)
    func aMessagePublishedOnOneInstanceReachesASubscriberOnAnother(backend: TestBackend) async throws {
        let schema = backend.isPostgres ? "t_ch_" + UUID().uuidString.prefix(8).lowercased() : nil
        try await TestKernel.run(plugins: [PluginEntry(NewsPlugin.self)], backend: backend, schema: schema) { a in
            // SQLite is one process: there the publisher is the same kernel.
            let subscription = a.channels.subscribe("news")
            let iterator = Inbox(subscription)
            if let schema {
                try await TestKernel.run(plugins: [PluginEntry(NewsPlugin.self)], backend: backend, schema: schema) { b in
                    let sent = try await b.channels.publish("story.published", payload: .object(["title": .string("hello")]), to: "news")
                    let received = await iterator.next()
                    #expect(received == sent)
                    // Larger than a notification may carry: it travels through the table.
                    let big = JSONValue.string(String(repeating: "x", count: 20_000))
                    let large = try await b.channels.publish("story.long", payload: big, to: "news")
                    #expect(await iterator.next() == large)
                    let stored = try await b.database.sql.raw("SELECT COUNT(*) AS n FROM plinth_channel_payloads WHERE id = \(bind: large.id)").first()?.decode(column: "n", as: Int.self)
                    #expect(stored == 1)
                }
                try await a.database.sql.raw("DROP SCHEMA \(ident: schema) CASCADE").run()
            } else {
                _ = try await a.channels.publish("story.published", payload: .object(["title": .string("hello")]), to: "news")
                let received = await iterator.next()
                #expect(received?.type == "story.published" && received?.payload == .object(["title": .string("hello")]))
            }
        }
    }

    @Test(arguments: TestBackend.all)
    func aSubscriberThatFallsBehindIsEndedWithoutHoldingUpTheOthers(backend: TestBackend) async throws {
        try await TestKernel.run(plugins: [PluginEntry(NewsPlugin.self)], backend: backend, environment: ["PLINTH_REALTIME_QUEUE": "4"]) { kernel in
            let slow = kernel.channels.subscribe("news")
            let fast = kernel.channels.subscribe("news")
            let reader = Inbox(fast)
            var read: [String] = []
            for index in 0..<10 {
                let sent = try await kernel.channels.publish("tick", payload: .number(Double(index)), to: "news")
                if let message = await reader.next() { read.append(message.id) }
                #expect(read.last == sent.id)
            }
            #expect(read.count == 10)
            // The slow one never read: it holds its first 4 messages, then it ended.
            var held = 0
            for await _ in slow { held += 1 }
            #expect(held == 4)
            #expect(slow.end == .slowConsumer)
            #expect(fast.end == nil)
            let metrics = kernel.metrics.registry.emitToString()
            #expect(metrics.contains(#"plinth_realtime_messages_dropped_total{channel="news"} 1"#), "\(metrics)")
        }
    }

    @Test(arguments: TestBackend.all)
    func aSubscriberResumingAfterAMessageGetsWhatFollowedIt(backend: TestBackend) async throws {
        try await TestKernel.run(plugins: [PluginEntry(NewsPlugin.self)], backend: backend, environment: ["PLINTH_REALTIME_REPLAY": "3"]) { kernel in
            let watcher = kernel.channels.subscribe("news")
            let iterator = Inbox(watcher)
            var sent: [ChannelMessage] = []
            for index in 0..<5 {
                sent.append(try await kernel.channels.publish("tick", payload: .number(Double(index)), to: "news"))
                _ = await iterator.next()
            }
            let resumed = kernel.channels.subscribe("news", after: sent[2].id)
            #expect(resumed.replayed == 2 && !resumed.gap)
            let replay = Inbox(resumed)
            #expect(await replay.next() == sent[3])
            #expect(await replay.next() == sent[4])
            // sent[0] fell out of a window of 3.
            let late = kernel.channels.subscribe("news", after: sent[0].id)
            #expect(late.gap && late.replayed == 0)
        }
    }

    @Test(arguments: TestBackend.all)
    func publishingToAnUndeclaredChannelFails(backend: TestBackend) async throws {
        try await TestKernel.run(plugins: [PluginEntry(NewsPlugin.self)], backend: backend) { kernel in
            await #expect(throws: Problem.self) { try await kernel.channels.publish("x", payload: .null, to: "gossip") }
            _ = try await kernel.channels.publish("x", payload: .null, to: "tenant:acme:news")
        }
    }

    @Test func declarationsAreCheckedAtStartUp() async throws {
        struct Twice: SaaSPlugin {
            static let manifest = PluginManifest(id: "twice", name: "T", version: "1.0.0")
            init(context: PluginContext) throws {}
            func provide(_ context: PluginContext) async throws { try context.declareChannel("news", policy: .public) }
        }
        struct Malformed: SaaSPlugin {
            static let manifest = PluginManifest(id: "malformed", name: "M", version: "1.0.0")
            init(context: PluginContext) throws {}
            func provide(_ context: PluginContext) async throws { try context.declareChannel("tenant:{ten ant}:x", policy: .public) }
        }
        for (plugin, expected) in [(PluginEntry(Twice.self), "channel 'news' is declared by both plugin 'news' and plugin 'twice'"),
                                   (PluginEntry(Malformed.self), "plugin 'malformed' declares channel 'tenant:{ten ant}:x'")] {
            do {
                try await TestKernel.run(plugins: [PluginEntry(NewsPlugin.self), plugin], backend: .sqlite) { _ in }
                Issue.record("started")
            } catch {
                #expect("\(error)".contains(expected), "\(error)")
            }
        }
    }

    @Test(arguments: TestBackend.all)
    func serverSentEventsCarryIdsResumeAfterLastEventIDAndEndOnShutdown(backend: TestBackend) async throws {
        try await TestKernel.run(plugins: [PluginEntry(NewsPlugin.self)], backend: backend) { kernel in
            let channels = kernel.channels
            let ended = try await kernel.serve { port in
                var sent: [ChannelMessage] = []
                let first = try RawConnection(port: port)
                try first.send("GET /api/news/events/news HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try await first.readUntilClosed(timeout: 5, until: { $0.contains(": connected") }).text.contains("text/event-stream"))
                for index in 0..<3 { sent.append(try await channels.publish("story", payload: .object(["n": .number(Double(index))]), to: "news")) }
                let lastID = sent[2].id
                let stream = try await first.readUntilClosed(timeout: 5, until: { $0.contains(lastID) }).text
                #expect(stream.contains("id: \(sent[0].id)\nevent: story\ndata: {\"n\":0}\n\n"), "\(stream)")
                // A client that saw the first message reconnects and gets the two after it.
                let again = try RawConnection(port: port)
                try again.send("GET /api/news/events/news HTTP/1.1\r\nHost: x\r\nLast-Event-ID: \(sent[0].id)\r\n\r\n")
                let resumed = try await again.readUntilClosed(timeout: 5, until: { $0.contains(lastID) }).text
                #expect(resumed.contains("id: \(sent[1].id)") && resumed.contains("id: \(sent[2].id)") && !resumed.contains("id: \(sent[0].id)"), "\(resumed)")
                return again
            }
            // The server stopped serving: the open stream got its end, not a cut.
            let rest = try await ended.readUntilClosed(timeout: 5).text
            #expect(rest.contains("event: end\ndata: {\"reason\":\"shutdown\"}"), "\(rest)")
        }
    }

    @Test(arguments: TestBackend.all)
    func aTenantChannelNeedsASignedInCallerAndAnUnknownOneIsNotFound(backend: TestBackend) async throws {
        try await TestKernel.run(plugins: [PluginEntry(NewsPlugin.self)], backend: backend) { kernel in
            try await kernel.test { client in
                try await client.execute(uri: "/api/news/events/tenant:acme:news", method: .get) { response in
                    #expect(response.status == .unauthorized)
                }
                try await client.execute(uri: "/api/news/events/gossip", method: .get) { response in
                    #expect(response.status == .notFound)
                    #expect(String(buffer: response.body).contains("no channel 'gossip' is declared"))
                }
            }
        }
    }
}
