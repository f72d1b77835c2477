import Foundation
import Logging
import PlinthCron
import PlinthKernel
import ServiceLifecycle

/// Fires due schedules on every instance; the compare-and-set on `next_run_at` lets exactly
/// one instance enqueue each tick, in the same transaction that advances the schedule. After
/// downtime a schedule fires once for the missed ticks, then continues from now.
final class CronScheduler: Service, Sendable {
    let queue: JobQueue
    let store: ScheduleStore
    /// How often due schedules are looked for. 1 s: cron's finest unit.
    let interval: Double

    init(queue: JobQueue, interval: Double = 1) {
        self.queue = queue
        self.store = ScheduleStore(database: queue.database)
        self.interval = interval
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await self.tick() } catch {
                    if Task.isCancelled { break }
                    self.queue.logger.error("firing schedules failed", metadata: ["error": "\(DatabaseError.describe(error))"])
                }
                // Real time, like the worker's loops: the clock decides what is due, not when to look.
                try? await Task.sleep(for: .milliseconds(Int64(self.interval * 1000)))
            }
        }
    }

    /// Fires every due schedule once; returns the names this instance fired.
    @discardableResult
    func tick() async throws -> [String] {
        let now = queue.clock.now
        var fired: [String] = []
        for schedule in try await store.due(now: now) {
            guard let due = schedule.nextRunAt, let (cron, zone) = try? ScheduleStore.validate(name: schedule.name, expression: schedule.expression, timeZone: schedule.timeZone) else { continue }
            let next = cron.nextDate(after: max(now, due), in: zone)
            let won = try await queue.database.transaction { _ in
                guard try await self.store.advance(schedule.name, from: due, to: next) else { return false }
                let key = "cron:\(schedule.name):\(Int64(due.timeIntervalSince1970))"
                try await self.queue.enqueue(schedule.type, json: schedule.payload, options: EnqueueOptions(runAt: due, uniqueKey: key))
                return true
            }
            if won { fired.append(schedule.name) }
        }
        return fired
    }
}
