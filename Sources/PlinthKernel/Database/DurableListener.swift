import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// One instance-wide listener on a notification channel that outlives a lost connection: the
/// event bus and the realtime channels each hold one.
///
/// ``start()`` subscribes (called before plugins boot, so nothing sent after boot is missed);
/// ``run(_:)`` hands every payload to `receive` until graceful shutdown. A lost PostgreSQL
/// listener is logged at once and re-established with backoff (1 s doubling to 30 s); payloads
/// sent while it was down are not replayed: delivery is at most once.
final class DurableListener: Sendable {
    let database: Database
    let channel: String
    /// Names the listener in the log line of a lost connection ("event bus", "realtime channels").
    let name: String
    let logger: Logger
    private let stream = Mutex<AsyncThrowingStream<String, any Error>?>(nil)
    /// Called after the listener is re-established following a loss (not at the first start):
    /// what was sent meanwhile is lost, so caches kept coherent by it start over.
    let reconnected = Mutex<(@Sendable () -> Void)?>(nil)

    /// Whether the listener is subscribed now. False before ``start()`` and from a loss until it
    /// is re-established.
    var isConnected: Bool { stream.withLock { $0 != nil } }

    init(database: Database, channel: String, name: String, logger: Logger) {
        self.database = database
        self.channel = channel
        self.name = name
        self.logger = logger
    }

    func start() async throws {
        let notifications = try await database.listen(channel: channel)
        stream.withLock { $0 = notifications }
    }

    func run(_ receive: (String) async -> Void) async {
        var failures = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                if stream.withLock({ $0 }) == nil {
                    try await start()
                    reconnected.withLock { $0 }?()
                }
                guard let notifications = stream.withLock({ $0 }) else { return }
                for try await text in notifications.cancelOnGracefulShutdown() {
                    failures = 0
                    await receive(text)
                }
                if Task.isShuttingDownGracefully || Task.isCancelled { return }
                throw DatabaseError(message: "the notification stream ended")
            } catch {
                if Task.isShuttingDownGracefully || Task.isCancelled { return }
                stream.withLock { $0 = nil }
                failures += 1
                let wait = min(30.0, pow(2.0, Double(failures - 1)))
                logger.error("\(name) lost its database listener; reconnecting", metadata: ["error": "\(DatabaseError.describe(error))", "retry_in_s": "\(wait)"])
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) }
            }
        }
    }
}
