import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import PlinthKernel
import Synchronization

/// The kernel side of the realtime benchmark: a public channel `feed`, and a socket route
/// `/api/feed/publish` that publishes each text it is sent to `feed` as a `tick`. Subscribers
/// use the kernel's `/ws`.
struct FeedPlugin: SaaSPlugin {
    static let manifest = PluginManifest(id: "feed", name: "Feed", version: "1.0.0", basePath: "/api/feed")
    init(context: PluginContext) throws {}

    func provide(_ context: PluginContext) async throws {
        try context.declareChannel("feed", policy: .public)
    }

    func mount(_ routes: PluginRoutes, context: PluginContext) throws {
        let channels = context.channels
        try routes.ws("publish", id: "feed.publish", "Publishes each text message to feed", policy: .public) { socket in
            for try await message in socket.messages {
                if case .text(let text) = message { _ = try await channels.publish("tick", payload: .string(text), to: "feed") }
            }
        }
    }
}

/// The peer: what one would write with hummingbird-websocket alone. `/ws` subscribes, each text
/// sent to `/publish` goes to every subscriber, each through its own queue and writer task so
/// that one subscriber never waits on another. Its queues are unbounded, as a first version's are.
enum BareBroadcastServer {
    final class Subscribers: Sendable {
        let queues = Mutex<[UUID: AsyncStream<String>.Continuation]>([:])
    }

    static func run(port: Int) async throws {
        let subscribers = Subscribers()
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.ws("/ws") { inbound, outbound, _ in
            let id = UUID()
            let (queue, continuation) = AsyncStream<String>.makeStream()
            subscribers.queues.withLock { $0[id] = continuation }
            defer { subscribers.queues.withLock { _ = $0.removeValue(forKey: id) } }
            try await withThrowingTaskGroup(of: Void.self) { group in
                // The queue ends when the client leaves (or the server stops), and with it the writer.
                group.addTask {
                    for try await _ in inbound {}
                    continuation.finish()
                }
                for await text in queue { try await outbound.writeTextMessage(text) }
                group.cancelAll()
            }
        }
        router.ws("/publish") { inbound, _, _ in
            for try await message in inbound.messages(maxSize: 1 << 16) {
                guard case .text(let text) = message else { continue }
                for queue in subscribers.queues.withLock({ Array($0.values) }) { queue.yield(text) }
            }
        }
        let app = Application(
            router: Router(),
            // Frames as large as the kernel's (1 << 16), not the library's default 16 KiB.
            server: .http1WebSocketUpgrade(webSocketRouter: router, configuration: .init(ws: .init(maxFrameSize: 1 << 16))),
            configuration: .init(address: .hostname("127.0.0.1", port: port)),
            logger: Logger(label: "bare-ws", factory: { _ in SwiftLogNoOpLogHandler() }))
        try await app.runService()
    }
}
