import Foundation
import PostgresNIO
import SQLKit
import Synchronization

extension Database {
    /// Sends `payload` to every listener of `channel`: PostgreSQL NOTIFY (every instance on the
    /// database), or in-process on SQLite. Inside a transaction both deliver it on commit only;
    /// on PostgreSQL the transaction's notifications go in one statement just before `COMMIT`, so
    /// a write that announces itself twice costs one round trip for both.
    /// Payloads are limited to 7999 bytes by PostgreSQL.
    public func notify(channel: String, payload: String) async throws {
        if let session = currentSession, session.scope.transaction, session.scope.holdBack(channel: channel, payload: payload) { return }
        switch driver {
        case .sqlite:
            localNotifications.send(channel: channel, payload: payload)
        case .postgres:
            try await sql.raw("SELECT pg_notify(\(bind: qualified(channel)), \(bind: payload))").run()
        }
    }

    /// Sends what a PostgreSQL transaction held back, in one statement on its connection.
    func sendHeldBack(_ notifications: [(String, String)], on sql: any SQLDatabase) async throws {
        // 500 per statement keeps the binds far under PostgreSQL's 65,535.
        for start in stride(from: 0, to: notifications.count, by: 500) {
            var query = SQLQueryString("SELECT ")
            for (index, (channel, payload)) in notifications[start..<min(start + 500, notifications.count)].enumerated() {
                query.appendInterpolation(unsafeRaw: index == 0 ? "pg_notify(" : ", pg_notify(")
                query.appendInterpolation(bind: qualified(channel))
                query.appendInterpolation(unsafeRaw: ", ")
                query.appendInterpolation(bind: payload)
                query.appendInterpolation(unsafeRaw: ")")
            }
            try await sql.raw(query).run()
        }
    }

    /// Payloads sent to `channel` from now on. Returns once the subscription is in place, so a
    /// notification sent after this call returns is never missed. Ends when the task iterating
    /// it is cancelled; on PostgreSQL it holds one pooled connection meanwhile.
    public func listen(channel: String) async throws -> AsyncThrowingStream<String, any Error> {
        switch driver {
        case .sqlite:
            return localNotifications.subscribe(channel: channel)
        case .postgres(let client):
            let name = qualified(channel)
            let (stream, continuation) = AsyncThrowingStream<String, any Error>.makeStream()
            let ready = AsyncStream<Void>.makeStream()
            let task = Task {
                do {
                    try await client.withConnection { connection in
                        try await connection.listen(on: name) { notifications in
                            ready.continuation.finish()
                            for try await notification in notifications {
                                continuation.yield(notification.payload)
                            }
                        }
                    }
                    continuation.finish()
                } catch {
                    ready.continuation.finish()
                    continuation.finish(throwing: error is CancellationError ? nil : error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
            for await _ in ready.stream {}
            return stream
        }
    }

    /// Channel names are per namespace so that kernels in separate schemas do not hear each other.
    func qualified(_ channel: String) -> String {
        String("\(namespace)_\(channel)".prefix(63))
    }
}

/// In-process publish/subscribe by channel name.
final class LocalNotifier: Sendable {
    private static let byFile = Mutex<[String: LocalNotifier]>([:])

    /// The notifier of every ``Database`` of this process on the SQLite file at `path`. One
    /// process serves a SQLite file; several kernels in it (tests, a CLI command beside a
    /// server in one process) then see each other's notifications and cache invalidations.
    static func shared(for path: String) -> LocalNotifier {
        byFile.withLock { notifiers in
            if let notifier = notifiers[path] { return notifier }
            let notifier = LocalNotifier()
            notifiers[path] = notifier
            return notifier
        }
    }

    private let subscribers = Mutex<[String: [UUID: AsyncThrowingStream<String, any Error>.Continuation]]>([:])

    func send(channel: String, payload: String) {
        let targets = subscribers.withLock { Array(($0[channel] ?? [:]).values) }
        for target in targets { target.yield(payload) }
    }

    func subscribe(channel: String) -> AsyncThrowingStream<String, any Error> {
        let (stream, continuation) = AsyncThrowingStream<String, any Error>.makeStream()
        let id = UUID()
        subscribers.withLock { $0[channel, default: [:]][id] = continuation }
        continuation.onTermination = { [weak self] _ in
            self?.subscribers.withLock { _ = $0[channel]?.removeValue(forKey: id) }
        }
        return stream
    }
}
