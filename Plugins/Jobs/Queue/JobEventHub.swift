import Foundation
import Logging
import PlinthKernel
import Synchronization

/// Status changes, fanned out to in-process subscribers (the SSE route). Events travel as
/// database notifications, so a subscriber on one instance sees the jobs of every instance on
/// PostgreSQL; one listener per instance feeds all of its subscribers.
final class JobEventHub: Sendable {
    static let wakeChannel = "jobs_wake"
    static let eventChannel = "jobs_events"

    let database: Database
    let enabled: Bool
    let logger: Logger
    private let subscribers = Mutex<[UUID: AsyncStream<JobEvent>.Continuation]>([:])

    init(database: Database, enabled: Bool, logger: Logger) {
        self.database = database
        self.enabled = enabled
        self.logger = logger
    }

    func publish(_ event: JobEvent) async throws { try await publish([event]) }

    /// Publishes events as few notifications as PostgreSQL's 8000-byte payload limit allows:
    /// each carries a JSON array, so a batch of claims or completions costs one round trip.
    func publish(_ events: [JobEvent]) async throws {
        guard enabled, !events.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        var batch: [String] = []
        var size = 2
        for event in events {
            let text = String(decoding: try encoder.encode(event), as: UTF8.self)
            if size + text.utf8.count + 1 > Self.payloadLimit, !batch.isEmpty {
                try await database.notify(channel: Self.eventChannel, payload: "[" + batch.joined(separator: ",") + "]")
                batch = []
                size = 2
            }
            batch.append(text)
            size += text.utf8.count + 1
        }
        try await database.notify(channel: Self.eventChannel, payload: "[" + batch.joined(separator: ",") + "]")
    }

    static let payloadLimit = 7000

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
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        for try await payload in notifications {
            guard let events = try? decoder.decode([JobEvent].self, from: Data(payload.utf8)) else { continue }
            let continuations = subscribers.withLock { Array($0.values) }
            for event in events {
                for continuation in continuations { continuation.yield(event) }
            }
        }
    }
}
