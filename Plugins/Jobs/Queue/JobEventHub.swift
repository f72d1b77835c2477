import Foundation
import Logging
import PlinthKernel
import Synchronization

/// Status changes, fanned out to in-process subscribers and to the kernel's realtime channels
/// `tenant:{tenant}:jobs` (a tenant's jobs) and `jobs` (jobs of no tenant), which the SSE route
/// and `/ws` serve. Events travel as compact database notifications of their own, so a
/// subscriber on one instance sees the jobs of every instance on PostgreSQL; one listener per
/// instance feeds all of its subscribers.
final class JobEventHub: Sendable {
    static let wakeChannel = "jobs_wake"
    static let eventChannel = "jobs_events"

    let database: Database
    let channels: Channels
    let enabled: Bool
    let logger: Logger
    private let subscribers = Mutex<[UUID: AsyncStream<JobEvent>.Continuation]>([:])

    init(database: Database, channels: Channels, enabled: Bool, logger: Logger) {
        self.database = database
        self.channels = channels
        self.enabled = enabled
        self.logger = logger
    }

    func publish(_ event: JobEvent) async throws { try await publish([event]) }

    /// Publishes events in as few notifications as PostgreSQL's 8000-byte payload limit allows:
    /// each carries a JSON array, so a batch of claims or completions costs one round trip.
    func publish(_ events: [JobEvent]) async throws {
        guard enabled, !events.isEmpty else { return }
        var payload = "["
        var text = ""
        for event in events {
            text.removeAll(keepingCapacity: true)
            event.appendNotificationJSON(to: &text)
            if payload.utf8.count + text.utf8.count + 2 > Self.payloadLimit, payload.utf8.count > 1 {
                try await database.notify(channel: Self.eventChannel, payload: payload + "]")
                payload = "["
            }
            if payload.utf8.count > 1 { payload += "," }
            payload += text
        }
        try await database.notify(channel: Self.eventChannel, payload: payload + "]")
    }

    static let payloadLimit = 7000

    /// The channel a job's events go to.
    static func channel(tenant: String?) -> String { tenant.map { "tenant:\($0):jobs" } ?? "jobs" }

    /// Events from now on; the stream ends when its consumer stops iterating.
    func subscribe() -> AsyncStream<JobEvent> {
        let (stream, continuation) = AsyncStream<JobEvent>.makeStream(bufferingPolicy: .bufferingNewest(1000))
        let id = UUID()
        subscribers.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in self?.subscribers.withLock { _ = $0.removeValue(forKey: id) } }
        return stream
    }

    /// Subscribes to the notification channel; once this returns no event is missed.
    func listen() async throws -> AsyncThrowingStream<String, any Error>? {
        guard enabled else { return nil }
        return try await database.listen(channel: Self.eventChannel)
    }

    /// Feeds subscribers from `notifications` until cancelled.
    func run(_ notifications: AsyncThrowingStream<String, any Error>) async throws {
        for try await payload in notifications {
            // Most instances have nobody watching: decoding every claim and completion for no
            // one would cost more than the jobs themselves.
            let continuations = subscribers.withLock { Array($0.values) }
            guard !continuations.isEmpty || channels.isWatchingAny, let events = JobEvent.decodeNotification(payload) else { continue }
            for event in events {
                for continuation in continuations { continuation.yield(event) }
                let channel = Self.channel(tenant: event.tenant)
                if channels.isWatched(channel) { channels.deliverLocally(event.message(on: channel)) }
            }
        }
    }
}
