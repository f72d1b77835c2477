import Foundation
import PlinthCron
import PlinthKernel
import SQLKit

/// A recurring job: every time `expression` fires in `timeZone`, one job of `type` with
/// `payload` is enqueued, by exactly one instance.
public struct Schedule: Sendable, Codable, Hashable {
    public var name: String
    /// Five or six cron fields, or a macro (`@hourly`, `@daily`...).
    public var expression: String
    /// IANA name, e.g. `Europe/Bucharest`. Default `UTC`.
    public var timeZone: String
    public var type: String
    /// JSON text.
    public var payload: String
    public var enabled: Bool
    public var nextRunAt: Date?
    public var lastRunAt: Date?
    /// `plugin` (registered in code) or `api`.
    public var origin: String
}

/// Why a schedule cannot be saved.
public struct ScheduleError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// The `jobs_schedules` table.
struct ScheduleStore: Sendable {
    let database: Database

    static func validate(name: String, expression: String, timeZone: String) throws -> (CronExpression, TimeZone) {
        guard (1...200).contains(name.count), !name.contains(where: { $0.isNewline }) else { throw ScheduleError(message: "schedule name must be 1-200 characters on one line") }
        let cron: CronExpression
        do { cron = try CronExpression(expression) } catch { throw ScheduleError(message: error.description) }
        guard let zone = TimeZone(identifier: timeZone) else { throw ScheduleError(message: "'\(timeZone)' is not an IANA time zone such as Europe/Bucharest or UTC") }
        return (cron, zone)
    }

    /// Creates or updates a schedule; its next run is recomputed when the timing changed.
    func upsert(name: String, expression: String, timeZone: String, type: String, payload: String, origin: String, now: Date) async throws -> Schedule {
        let (cron, zone) = try Self.validate(name: name, expression: expression, timeZone: timeZone)
        let existing = try await get(name)
        var next = existing?.nextRunAt
        if existing == nil || existing?.expression != expression || existing?.timeZone != timeZone || next == nil {
            next = cron.nextDate(after: now, in: zone)
        }
        let sql = database.sql
        if existing == nil {
            try await sql.raw("""
                INSERT INTO jobs_schedules (name, expression, timezone, type, payload, enabled, next_run_at, origin, updated_at)
                VALUES (\(bind: name), \(bind: expression), \(bind: timeZone), \(bind: type), \(bind: payload), 1,
                        \(bind: next?.timeIntervalSince1970), \(bind: origin), \(bind: now.timeIntervalSince1970))
                ON CONFLICT (name) DO NOTHING
                """).run()
        } else {
            try await sql.raw("""
                UPDATE jobs_schedules SET expression = \(bind: expression), timezone = \(bind: timeZone), type = \(bind: type),
                    payload = \(bind: payload), next_run_at = \(bind: next?.timeIntervalSince1970), updated_at = \(bind: now.timeIntervalSince1970)
                WHERE name = \(bind: name)
                """).run()
        }
        guard let saved = try await get(name) else { throw ScheduleError(message: "schedule '\(name)' could not be saved") }
        return saved
    }

    func get(_ name: String) async throws -> Schedule? {
        try await database.sql.raw("SELECT * FROM jobs_schedules WHERE name = \(bind: name)").first().map(Self.schedule)
    }

    func all() async throws -> [Schedule] {
        try await database.sql.raw("SELECT * FROM jobs_schedules ORDER BY name").all().map(Self.schedule)
    }

    func delete(_ name: String) async throws -> Bool {
        try await database.sql.raw("DELETE FROM jobs_schedules WHERE name = \(bind: name) RETURNING name").first() != nil
    }

    func due(now: Date) async throws -> [Schedule] {
        try await database.sql.raw("""
            SELECT * FROM jobs_schedules WHERE enabled = 1 AND next_run_at IS NOT NULL AND next_run_at <= \(bind: now.timeIntervalSince1970) ORDER BY next_run_at
            """).all().map(Self.schedule)
    }

    /// Moves the schedule from the tick `due` to `next`, only if no other instance did: the
    /// compare-and-set that makes each tick fire once.
    func advance(_ name: String, from due: Date, to next: Date?) async throws -> Bool {
        try await database.sql.raw("""
            UPDATE jobs_schedules SET next_run_at = \(bind: next?.timeIntervalSince1970), last_run_at = \(bind: due.timeIntervalSince1970)
            WHERE name = \(bind: name) AND next_run_at = \(bind: due.timeIntervalSince1970) RETURNING name
            """).first() != nil
    }

    static func schedule(_ row: any SQLRow) throws -> Schedule {
        Schedule(
            name: try row.decode(column: "name", as: String.self), expression: try row.decode(column: "expression", as: String.self),
            timeZone: try row.decode(column: "timezone", as: String.self), type: try row.decode(column: "type", as: String.self),
            payload: try row.decode(column: "payload", as: String.self), enabled: try row.decode(column: "enabled", as: Int.self) != 0,
            nextRunAt: try row.decode(column: "next_run_at", as: Double?.self).map(Date.init(timeIntervalSince1970:)),
            lastRunAt: try row.decode(column: "last_run_at", as: Double?.self).map(Date.init(timeIntervalSince1970:)),
            origin: try row.decode(column: "origin", as: String.self)
        )
    }
}
