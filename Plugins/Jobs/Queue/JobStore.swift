import Foundation
import PlinthKernel
import SQLKit

/// The queue's SQL, for PostgreSQL and SQLite. Every statement that changes a job's state is
/// one statement, so it is atomic on both; the claim uses `FOR UPDATE SKIP LOCKED` on
/// PostgreSQL, and SQLite's single writer makes the same statement exclusive there.
struct JobStore: Sendable {
    let database: Database

    static let columns = "id, type, payload, tenant, state, priority, attempt, max_attempts, run_at, unique_key, last_error, created_at, started_at, finished_at"

    /// Inserts a job, joining the caller's transaction if there is one. With a unique key held
    /// by a waiting or running job of the same type and tenant, returns that job instead.
    func insert(type: String, payload: String, options: EnqueueOptions, maxAttempts: Int, now: Date) async throws -> (id: Int64, inserted: Bool) {
        let sql = database.sql
        let runAt = (options.runAt ?? now).timeIntervalSince1970
        for _ in 0..<3 {
            let row = try await sql.raw("""
                INSERT INTO jobs_queue (type, payload, tenant, state, priority, attempt, max_attempts, run_at, unique_key, created_at)
                VALUES (\(bind: type), \(bind: payload), \(bind: options.tenant), 'available', \(bind: options.priority), 0,
                        \(bind: maxAttempts), \(bind: runAt), \(bind: options.uniqueKey), \(bind: now.timeIntervalSince1970))
                ON CONFLICT DO NOTHING RETURNING id
                """).first()
            if let row { return (try row.decode(column: "id", as: Int64.self), true) }
            guard let key = options.uniqueKey else { break }
            if let existing = try await sql.raw("""
                SELECT id FROM jobs_queue WHERE type = \(bind: type) AND unique_key = \(bind: key) AND state IN ('available', 'running')
                  AND COALESCE(tenant, '') = \(bind: options.tenant ?? "")
                """).first() {
                return (try existing.decode(column: "id", as: Int64.self), false)
            }
            // The holder finished between our insert and our look-up: try again.
        }
        throw DatabaseError(message: "could not enqueue a job of type '\(type)'")
    }

    /// What a worker needs of a job it claims.
    static let claimColumns = "id, type, payload, tenant, priority, attempt, max_attempts, run_at"

    /// Marks the jobs of `done` this worker still holds as completed, then claims up to `limit`
    /// due jobs of `types`, highest priority first, for `worker` until `leaseUntil`; each claimed
    /// job's attempt count goes up by one. Both happen atomically: on PostgreSQL in one statement
    /// (one round trip per batch), on SQLite in one transaction. Returns the ids completed (the
    /// others were cancelled or rescued meanwhile) and the jobs claimed.
    func completeAndClaim(done: [Int64], types: [String], limit: Int, worker: String, now: Date, leaseUntil: Date) async throws -> (completed: Set<Int64>, claimed: [ClaimedJob]) {
        let claiming = !types.isEmpty && limit > 0
        if done.isEmpty && !claiming { return ([], []) }
        let statement = CompleteAndClaimStatement(now: now.timeIntervalSince1970, done: done, worker: worker, leaseUntil: leaseUntil.timeIntervalSince1970, types: types, limit: claiming ? limit : 0)
        if let rows = try await database.executePrepared(statement) {
            let completed = (rows.first?.done ?? "").split(separator: ",").compactMap { Int64($0) }
            return (Set(completed), Self.ordered(rows.compactMap(\.job)))
        }
        return try await database.transaction { _ in
            let completed = try await complete(ids: done, worker: worker, now: now)
            let claimed = claiming ? try await claim(types: types, limit: limit, worker: worker, now: now, leaseUntil: leaseUntil) : []
            return (completed, claimed)
        }
    }

    /// Claims without completing anything; see ``completeAndClaim(done:types:limit:worker:now:leaseUntil:)``.
    func claim(types: [String], limit: Int, worker: String, now: Date, leaseUntil: Date) async throws -> [ClaimedJob] {
        guard !types.isEmpty, limit > 0 else { return [] }
        let rows = try await database.sql.raw(claimStatement(types: types, limit: limit, worker: worker, now: now, leaseUntil: leaseUntil)).all()
        return Self.ordered(try rows.map(ClaimedJob.init))
    }

    /// The claim in SQL both databases run (CompleteAndClaimStatement is PostgreSQL's fast path).
    private func claimStatement(types: [String], limit: Int, worker: String, now: Date, leaseUntil: Date) -> SQLQueryString {
        let lock: SQLQueryString = database.kind == .postgres ? "FOR UPDATE SKIP LOCKED" : ""
        return """
            UPDATE jobs_queue SET state = 'running', attempt = attempt + 1, locked_by = \(bind: worker),
                lease_until = \(bind: leaseUntil.timeIntervalSince1970), started_at = \(bind: now.timeIntervalSince1970)
            WHERE id IN (
                SELECT id FROM jobs_queue WHERE state = 'available' AND run_at <= \(bind: now.timeIntervalSince1970)
                AND type IN (\(binds: types)) ORDER BY priority DESC, run_at, id LIMIT \(bind: limit) \(lock))
            RETURNING \(unsafeRaw: Self.claimColumns)
            """
    }

    /// RETURNING keeps no order: highest priority, then longest due, first.
    private static func ordered(_ jobs: [ClaimedJob]) -> [ClaimedJob] {
        jobs.sorted { ($0.priority, -$0.runAt.timeIntervalSince1970, -$0.id) > ($1.priority, -$1.runAt.timeIntervalSince1970, -$1.id) }
    }

    /// Marks many jobs this worker holds as completed in one statement; returns the ids it
    /// still held (the others were cancelled or rescued meanwhile).
    func complete(ids: [Int64], worker: String, now: Date) async throws -> Set<Int64> {
        guard !ids.isEmpty else { return [] }
        let rows = try await database.sql.raw("""
            UPDATE jobs_queue SET state = 'completed', finished_at = \(bind: now.timeIntervalSince1970), locked_by = NULL, lease_until = NULL
            WHERE id IN (\(binds: ids)) AND state = 'running' AND locked_by = \(bind: worker) RETURNING id
            """).all()
        return Set(try rows.map { try $0.decode(column: "id", as: Int64.self) })
    }

    /// Records a failure: back to `available` at `retryAt`, or `dead` when attempts are used up.
    /// Returns the new state, or nil if this worker no longer holds the job.
    func fail(id: Int64, worker: String, error: String, retryAt: Date?, now: Date) async throws -> JobState? {
        let state: JobState = retryAt == nil ? .dead : .available
        let row = try await database.sql.raw("""
            UPDATE jobs_queue SET state = \(bind: state.rawValue), last_error = \(bind: String(error.prefix(4000))),
                run_at = \(bind: (retryAt ?? now).timeIntervalSince1970), finished_at = \(bind: retryAt == nil ? now.timeIntervalSince1970 : nil),
                locked_by = NULL, lease_until = NULL
            WHERE id = \(bind: id) AND state = 'running' AND locked_by = \(bind: worker) RETURNING id
            """).first()
        return row == nil ? nil : state
    }

    /// Extends the leases of jobs this worker runs; returns the ids it still holds.
    func heartbeat(ids: [Int64], worker: String, leaseUntil: Date) async throws -> Set<Int64> {
        guard !ids.isEmpty else { return [] }
        let rows = try await database.sql.raw("""
            UPDATE jobs_queue SET lease_until = \(bind: leaseUntil.timeIntervalSince1970)
            WHERE id IN (\(binds: ids)) AND state = 'running' AND locked_by = \(bind: worker) RETURNING id
            """).all()
        return Set(try rows.map { try $0.decode(column: "id", as: Int64.self) })
    }

    /// Jobs whose lease ran out (their worker died): available again for another attempt, or
    /// dead if that was the last one.
    func rescue(now: Date) async throws -> [Job] {
        let t = now.timeIntervalSince1970
        let rows = try await database.sql.raw("""
            UPDATE jobs_queue SET
                state = CASE WHEN attempt >= max_attempts THEN 'dead' ELSE 'available' END,
                last_error = 'the worker running it stopped responding (lease expired)',
                finished_at = CASE WHEN attempt >= max_attempts THEN \(bind: t) ELSE NULL END,
                run_at = \(bind: t), locked_by = NULL, lease_until = NULL
            WHERE state = 'running' AND lease_until < \(bind: t)
            RETURNING \(unsafeRaw: Self.columns)
            """).all()
        return try rows.map(Self.job)
    }

    /// Gives jobs back on shutdown without counting the attempt.
    func release(ids: [Int64], worker: String) async throws {
        guard !ids.isEmpty else { return }
        try await database.sql.raw("""
            UPDATE jobs_queue SET state = 'available', attempt = attempt - 1, locked_by = NULL, lease_until = NULL
            WHERE id IN (\(binds: ids)) AND state = 'running' AND locked_by = \(bind: worker)
            """).run()
    }

    func get(_ id: Int64) async throws -> Job? {
        try await database.sql.raw("SELECT \(unsafeRaw: Self.columns) FROM jobs_queue WHERE id = \(bind: id)").first().map(Self.job)
    }

    /// Newest first, after `beforeID` if given.
    func list(state: JobState?, type: String?, tenant: String?, beforeID: Int64?, limit: Int) async throws -> [Job] {
        var query = SQLQueryString("SELECT \(unsafeRaw: Self.columns) FROM jobs_queue WHERE 1 = 1")
        if let state { query.appendInterpolation(unsafeRaw: " AND state = "); query.appendInterpolation(bind: state.rawValue) }
        if let type { query.appendInterpolation(unsafeRaw: " AND type = "); query.appendInterpolation(bind: type) }
        if let tenant { query.appendInterpolation(unsafeRaw: " AND tenant = "); query.appendInterpolation(bind: tenant) }
        if let beforeID { query.appendInterpolation(unsafeRaw: " AND id < "); query.appendInterpolation(bind: beforeID) }
        query.appendInterpolation(unsafeRaw: " ORDER BY id DESC LIMIT ")
        query.appendInterpolation(bind: limit)
        return try await database.sql.raw(query).all().map(Self.job)
    }

    /// Cancels a waiting or running job; a running one stops at its worker's next heartbeat.
    func cancel(_ id: Int64, now: Date) async throws -> Job {
        if let row = try await database.sql.raw("""
            UPDATE jobs_queue SET state = 'cancelled', finished_at = \(bind: now.timeIntervalSince1970), locked_by = NULL, lease_until = NULL
            WHERE id = \(bind: id) AND state IN ('available', 'running') RETURNING \(unsafeRaw: Self.columns)
            """).first() {
            return try Self.job(row)
        }
        guard let job = try await get(id) else { throw JobQueueError.notFound(id) }
        throw JobQueueError.invalidState(id: id, state: job.state, action: "cancelled")
    }

    /// Puts a dead or cancelled job back in the queue with a fresh set of attempts.
    func retry(_ id: Int64, now: Date) async throws -> Job {
        if let row = try await database.sql.raw("""
            UPDATE jobs_queue SET state = 'available', attempt = 0, run_at = \(bind: now.timeIntervalSince1970), finished_at = NULL
            WHERE id = \(bind: id) AND state IN ('dead', 'cancelled') RETURNING \(unsafeRaw: Self.columns)
            """).first() {
            return try Self.job(row)
        }
        guard let job = try await get(id) else { throw JobQueueError.notFound(id) }
        throw JobQueueError.invalidState(id: id, state: job.state, action: "retried")
    }

    /// Jobs by type and state, and how many are due now.
    /// Jobs per type and state: of `tenant` when given, else of every tenant.
    func stats(tenant: String?) async throws -> [(type: String, state: String, count: Int)] {
        var query = SQLQueryString("SELECT type, state, COUNT(*) AS n FROM jobs_queue")
        if let tenant { query.appendInterpolation(unsafeRaw: " WHERE tenant = "); query.appendInterpolation(bind: tenant) }
        query.appendInterpolation(unsafeRaw: " GROUP BY type, state ORDER BY type, state")
        let rows = try await database.sql.raw(query).all()
        return try rows.map { (try $0.decode(column: "type", as: String.self), try $0.decode(column: "state", as: String.self), try $0.decode(column: "n", as: Int.self)) }
    }

    static func job(_ row: any SQLRow) throws -> Job {
        func date(_ column: String) throws -> Date? { try row.decode(column: column, as: Double?.self).map(Date.init(timeIntervalSince1970:)) }
        return Job(
            id: try row.decode(column: "id", as: Int64.self), type: try row.decode(column: "type", as: String.self),
            payload: try row.decode(column: "payload", as: String.self), tenant: try row.decode(column: "tenant", as: String?.self),
            state: JobState(rawValue: try row.decode(column: "state", as: String.self)) ?? .dead,
            priority: try row.decode(column: "priority", as: Int.self), attempt: try row.decode(column: "attempt", as: Int.self),
            maxAttempts: try row.decode(column: "max_attempts", as: Int.self), runAt: try date("run_at") ?? Date(timeIntervalSince1970: 0),
            uniqueKey: try row.decode(column: "unique_key", as: String?.self), lastError: try row.decode(column: "last_error", as: String?.self),
            createdAt: try date("created_at") ?? Date(timeIntervalSince1970: 0), startedAt: try date("started_at"), finishedAt: try date("finished_at")
        )
    }
}
