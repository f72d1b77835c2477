import Logging
import PlinthKernel
import ServiceLifecycle
import Synchronization

/// Counts API-key requests against `API_KEY_RATE_LIMIT` per hour without a database write per
/// request: a counter row written by every request of a key would serialise them.
///
/// A key's first request on an instance in an hour adds itself to the shared row and reads the
/// total; later ones are counted in memory and added to the row every ``flushInterval`` (1 s),
/// each flush reading back what the other instances added. A request that finds the total it
/// knows older than one interval (the key was quiet here) adds itself and reads it again. So one
/// instance counts exactly, and
/// with several the limit is overshot by at most what the *other* instances admit for the key
/// within one flush interval (each believes the total is the one it last read). Counts not yet
/// flushed are lost if an instance crashes (at most one interval's worth), and written on a
/// graceful shutdown.
final class APIKeyUsage: Service, Sendable {
    /// The rate-limit window a request falls in.
    struct Usage: Sendable, Equatable {
        let count: Int
        let limit: Int
        /// Seconds until the window resets.
        let reset: Int
        var exceeded: Bool { count > limit }
        var remaining: Int { max(0, limit - count) }
    }

    /// What this instance knows of each key's current hour; pure, so it is tested without I/O.
    struct Tallies: Sendable {
        struct Tally: Sendable, Equatable {
            let window: Int64
            /// The shared row's count when last read (this instance's flushed requests included).
            var known: Int
            /// Requests counted here and not yet added to the row.
            var pending: Int
            /// When `known` was read (seconds since 1970).
            var readAt: Double
        }

        var byKey: [String: Tally] = [:]

        /// Counts a request in memory when the key's window was read here within `maxAge`
        /// seconds: the total it sees, or nil when the shared row must be read first.
        mutating func count(_ key: String, window: Int64, now: Double, maxAge: Double) -> Int? {
            guard var tally = byKey[key], tally.window == window, now - tally.readAt <= maxAge else { return nil }
            tally.pending += 1
            byKey[key] = tally
            return tally.known + tally.pending
        }

        /// The row was read with this request added: `total` is its count now. Returns the
        /// total this request sees (with what is counted here and not yet flushed).
        mutating func read(_ key: String, window: Int64, total: Int, now: Double) -> Int {
            if var tally = byKey[key], tally.window == window {
                tally.known = max(tally.known, total)
                tally.readAt = now
                byKey[key] = tally
                return tally.known + tally.pending
            }
            byKey[key] = Tally(window: window, known: total, pending: 0, readAt: now)
            return total
        }

        /// Takes the pending counts to add to the rows; forgets keys of past windows.
        mutating func takePending(window: Int64) -> [(key: String, window: Int64, count: Int)] {
            var batch: [(key: String, window: Int64, count: Int)] = []
            for (key, var tally) in byKey {
                if tally.pending > 0 {
                    batch.append((key, tally.window, tally.pending))
                    tally.known += tally.pending
                    tally.pending = 0
                }
                byKey[key] = tally.window < window ? nil : tally
            }
            return batch
        }

        /// A flush added its count to the row, which then read `total`.
        mutating func flushed(_ key: String, window: Int64, total: Int, now: Double) {
            guard var tally = byKey[key], tally.window == window else { return }
            tally.known = max(tally.known, total)
            tally.readAt = now
            byKey[key] = tally
        }

        /// A flush failed: its counts go back to pending, for the next one.
        mutating func failed(_ key: String, window: Int64, count: Int) {
            guard var tally = byKey[key], tally.window == window else { return }
            tally.known -= count
            tally.pending += count
            byKey[key] = tally
        }
    }

    let database: Database
    let clock: any KernelClock
    /// `API_KEY_RATE_LIMIT`: requests per key per hour.
    let limit: Int
    /// How often counts reach the database: the overshoot bound above.
    let flushInterval: Duration
    let logger: Logger
    private let tallies = Mutex(Tallies())

    init(database: Database, clock: any KernelClock, limit: Int, flushInterval: Duration = .seconds(1), logger: Logger) {
        self.database = database
        self.clock = clock
        self.limit = limit
        self.flushInterval = flushInterval
        self.logger = logger
    }

    /// Counts one request of `key` in the current hour.
    func count(key: String) async throws -> Usage {
        let now = clock.now.timeIntervalSince1970
        let window = Int64(now / 3600)
        let reset = Int((Double(window + 1) * 3600 - now).rounded(.up))
        let maxAge = Double(flushInterval.components.seconds) + Double(flushInterval.components.attoseconds) / 1e18
        if let total = tallies.withLock({ $0.count(key, window: window, now: now, maxAge: maxAge) }) {
            return Usage(count: total, limit: limit, reset: reset)
        }
        let total = try await add(1, key: key, window: window)
        let seen = tallies.withLock { $0.read(key, window: window, total: total, now: clock.now.timeIntervalSince1970) }
        if total == 1 {
            // First request of the hour anywhere: drop older windows and note the key is in use.
            try await database.sql.raw("DELETE FROM auth_api_key_usage WHERE key_id = \(bind: key) AND window_start < \(bind: window)").run()
            try await database.sql.raw("UPDATE auth_api_keys SET last_used_at = \(bind: now) WHERE id = \(bind: key)").run()
        }
        return Usage(count: seen, limit: limit, reset: reset)
    }

    /// Adds the pending counts to the shared rows.
    func flush() async {
        let window = Int64(clock.now.timeIntervalSince1970 / 3600)
        let batch = tallies.withLock { $0.takePending(window: window) }
        for item in batch {
            do {
                let total = try await add(item.count, key: item.key, window: item.window)
                let now = clock.now.timeIntervalSince1970
                tallies.withLock { $0.flushed(item.key, window: item.window, total: total, now: now) }
            } catch {
                tallies.withLock { $0.failed(item.key, window: item.window, count: item.count) }
                logger.warning("API key usage could not be written; retrying", metadata: ["error": "\(DatabaseError.describe(error))"])
            }
        }
    }

    private func add(_ count: Int, key: String, window: Int64) async throws -> Int {
        let row = try await database.sql.raw("""
            INSERT INTO auth_api_key_usage (key_id, window_start, count) VALUES (\(bind: key), \(bind: window), \(bind: count))
            ON CONFLICT (key_id, window_start) DO UPDATE SET count = auth_api_key_usage.count + \(bind: count) RETURNING count
            """).first()
        return try row?.decode(column: "count", as: Int.self) ?? count
    }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.flushInterval) }
            await flush()
        }
    }
}
