import Foundation
import Logging
import Synchronization

/// The instance's ``SharedCache``s and the invalidation that keeps them coherent across instances.
///
/// ``invalidate(tags:)`` drops the tagged entries here at once, then publishes the tags on the
/// event bus; every instance (this one too) drops them again when the notification arrives, before
/// any event handler runs. Outside a transaction the call returns once this instance has received
/// its own notification (at most 1 s), so every instance listening on the database has been sent it
/// by then: a sign-out answered on one instance is refused by the next request on another. Inside a
/// transaction the notification leaves on commit, as events do.
///
/// Tags are shared by every cache of the instance; a plugin prefixes its own (`auth.user:42`).
public final class SharedCaches: Sendable {
    static let eventName = "plinth.cache.invalidate"

    struct Invalidation: Codable {
        let tags: [String]
    }

    let database: Database
    let clock: any KernelClock
    let logger: Logger
    let instanceID: String
    let channel: String
    /// Whether the instance's event listener is up: caches answer only then.
    let connected: @Sendable () -> Bool
    private let caches = Mutex<[any InvalidatableCache]>([])
    private let echoes = Mutex<[String: CheckedContinuation<Void, Never>]>([:])

    init(database: Database, clock: any KernelClock, logger: Logger, instanceID: String, channel: String, connected: @escaping @Sendable () -> Bool) {
        self.database = database
        self.clock = clock
        self.logger = logger
        self.instanceID = instanceID
        self.channel = channel
        self.connected = connected
    }

    /// A new cache whose entries live `timeToLive` seconds (default 10) and of which at most
    /// `capacity` (default 100,000) are held. Make it in `provide` or later; it is empty until the
    /// kernel's event listener has started, so CLI commands always read the database.
    public func make<Value: Sendable>(_ name: String, of type: Value.Type = Value.self, timeToLive: Double = 10, capacity: Int = 100_000) -> SharedCache<Value> {
        let cache = SharedCache<Value>(name: name, timeToLive: timeToLive, capacity: max(1, capacity), clock: clock, coherent: connected)
        caches.withLock { $0.append(cache) }
        return cache
    }

    /// Drops every entry tagged with one of `tags` on every instance; see the type's description
    /// for when it returns.
    /// - Throws: when the notification cannot be sent (the database is down); the local entries
    ///   are dropped even then.
    public func invalidate(tags: [String]) async throws {
        guard !tags.isEmpty else { return }
        drop(tags: tags)
        let id = UUID().uuidString
        let envelope = EventEnvelope(id: id, name: Self.eventName, source: "kernel", origin: instanceID, time: Date().iso8601,
                                     payload: String(decoding: try JSONEncoder().encode(Invalidation(tags: tags)), as: UTF8.self))
        let text = String(decoding: try JSONEncoder().encode(envelope), as: UTF8.self)
        guard text.utf8.count < 8000 else {
            // Too many tags for one notification: everything goes, which is always correct.
            return try await invalidateAll()
        }
        let inTransaction = database.currentSession?.scope.transaction == true
        guard !inTransaction, connected() else {
            try await database.notify(channel: channel, payload: text)
            return
        }
        await withCheckedContinuation { (echoed: CheckedContinuation<Void, Never>) in
            echoes.withLock { $0[id] = echoed }
            Task {
                do { try await database.notify(channel: channel, payload: text) } catch {
                    logger.error("cache invalidation could not be sent", metadata: ["error": "\(DatabaseError.describe(error))"])
                }
                try? await Task.sleep(for: .seconds(1))
                echoes.withLock { $0.removeValue(forKey: id) }?.resume()
            }
        }
    }

    /// Drops every entry of every cache on every instance.
    public func invalidateAll() async throws {
        try await invalidate(tags: ["*"])
    }

    func drop(tags: [String]) {
        let all = caches.withLock { $0 }
        if tags.contains("*") {
            for cache in all { cache.dropAll() }
        } else {
            for cache in all { cache.drop(tags: tags) }
        }
    }

    /// Called by the event bus for each invalidation it receives, before handlers run.
    func received(_ envelope: EventEnvelope) {
        if let invalidation = try? JSONDecoder().decode(Invalidation.self, from: Data(envelope.payload.utf8)) {
            drop(tags: invalidation.tags)
        } else {
            drop(tags: ["*"])
        }
        if envelope.origin == instanceID {
            echoes.withLock { $0.removeValue(forKey: envelope.id) }?.resume()
        }
    }

    /// The listener came back after a loss: whatever was invalidated meanwhile is unknown.
    func reconnected() {
        drop(tags: ["*"])
    }
}
