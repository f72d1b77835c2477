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

    func publish(_ event: JobEvent) async throws {
        guard enabled else { return }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        try await database.notify(channel: Self.eventChannel, payload: String(decoding: try encoder.encode(event), as: UTF8.self))
    }

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
            guard let event = try? decoder.decode(JobEvent.self, from: Data(payload.utf8)) else { continue }
            for continuation in subscribers.withLock({ Array($0.values) }) { continuation.yield(event) }
        }
    }
}
