import Foundation

extension JobQueue {
    var scheduleStore: ScheduleStore { ScheduleStore(database: database) }

    /// Creates or updates the recurring job `name`: one `type` job each time `cron` fires in
    /// `timeZone`, across every instance exactly once.
    /// - Throws: ``ScheduleError`` for a bad expression or time zone.
    @discardableResult
    public func schedule(_ name: String, cron: String, timeZone: String = "UTC", type: String, payload: some Encodable & Sendable, origin: String = "plugin") async throws -> Schedule {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(payload), as: UTF8.self)
        return try await scheduleStore.upsert(name: name, expression: cron, timeZone: timeZone, type: type, payload: json, origin: origin, now: clock.now)
    }

    /// Every schedule, by name.
    public func schedules() async throws -> [Schedule] { try await scheduleStore.all() }

    /// Removes a schedule; false if there was none.
    @discardableResult
    public func removeSchedule(_ name: String) async throws -> Bool { try await scheduleStore.delete(name) }

    /// Enqueues the schedule's job now (the manual trigger), leaving its timing alone.
    public func runSchedule(_ name: String) async throws -> Enqueued {
        guard let schedule = try await scheduleStore.get(name) else { throw ScheduleError(message: "no schedule '\(name)'") }
        return try await enqueue(schedule.type, json: schedule.payload)
    }
}
