import Foundation
import JobsFixture
import PlinthJobs
import PlinthKernel
import PlinthTesting
import SQLKit
import Testing

/// The queue as plugins use it, on SQLite and PostgreSQL, with a worker running in the kernel.
@Suite struct JobQueueTests {
    static let plugins = [PluginEntry(JobsPlugin.self), PluginEntry(JobsFixturePlugin.self)]
    /// Fast polling so that tests do not wait for the seed's 10 s idle poll.
    static let fast = ["PLINTH_JOBS_POLL_INTERVAL": "50ms", "PLINTH_JOBS_IDLE_POLL_INTERVAL": "200ms"]

    static func effects(_ kernel: RunningKernel, tag: String) async throws -> [(job: Int64, attempt: Int)] {
        try await kernel.database.sql.raw("SELECT job_id, attempt FROM fixture_effects WHERE tag = \(bind: tag) ORDER BY job_id, attempt").all().map {
            (try $0.decode(column: "job_id", as: Int64.self), try $0.decode(column: "attempt", as: Int.self))
        }
    }

    /// Polls until `condition` holds (real time; the worker runs on its own).
    static func eventually(_ what: String, timeout: Double = 15, _ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("timed out waiting for: \(what)")
        throw CancellationError()
    }

    @Test(arguments: TestBackend.all)
    func aRolledBackEnqueueNeverRunsACommittedOneRunsOnce(backend: TestBackend) async throws {
        try await TestKernel.run(plugins: Self.plugins, backend: backend, environment: Self.fast) { kernel in
            let queue = try kernel.services.require(JobQueue.self, by: "test", dependencies: [])
            struct Abort: Error {}
            await #expect(throws: Abort.self) {
                try await kernel.database.transaction { _ in
                    try await queue.enqueue("fixture.record", payload: JobsFixturePlugin.Payload(tag: "rolled-back"))
                    throw Abort()
                }
            }
            try await kernel.database.transaction { _ in
                try await queue.enqueue("fixture.record", payload: JobsFixturePlugin.Payload(tag: "committed"))
            }
            try await Self.eventually("the committed job ran") { try await Self.effects(kernel, tag: "committed").count == 1 }
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await Self.effects(kernel, tag: "rolled-back").isEmpty)
            #expect(try await Self.effects(kernel, tag: "committed").count == 1)
            #expect(try await queue.jobs().map(\.state) == [.completed])
        }
    }

    @Test(arguments: TestBackend.all)
    func statusChangesAreStreamed(backend: TestBackend) async throws {
        try await TestKernel.run(plugins: Self.plugins, backend: backend, environment: Self.fast) { kernel in
            let queue = try kernel.services.require(JobQueue.self, by: "test", dependencies: [])
            let events = queue.subscribe()
            try await Task.sleep(for: .milliseconds(100)) // the hub's listener is up
            let job = try await queue.enqueue("fixture.record", payload: JobsFixturePlugin.Payload(tag: "streamed"))
            var states: [JobState] = []
            for await event in events where event.id == job.id {
                states.append(event.state)
                if event.state == .completed { break }
            }
            #expect(states == [.available, .running, .completed])
        }
    }

    @Test(arguments: TestBackend.all)
    func failuresBackOffExponentiallyThenDeadLetter(backend: TestBackend) async throws {
        let clock = ManualClock(now: Date(timeIntervalSince1970: 1_800_000_000))
        try await TestKernel.run(plugins: Self.plugins, backend: backend, environment: Self.fast, clock: clock) { kernel in
            let queue = try kernel.services.require(JobQueue.self, by: "test", dependencies: [])
            let job = try await queue.enqueue("fixture.fail", payload: JobsFixturePlugin.Payload(tag: "x"), options: EnqueueOptions(maxAttempts: 4))
            var failedAt = clock.now
            for attempt in 1...3 {
                try await Self.eventually("attempt \(attempt) failed") {
                    let current = try await queue.job(job.id)
                    return current?.attempt == attempt && current?.state == .available
                }
                let current = try #require(try await queue.job(job.id))
                let delay = current.runAt.timeIntervalSince(failedAt)
                // Full jitter below a ceiling of 1 s × 2^(attempt-1).
                #expect(delay >= 0 && delay <= pow(2, Double(attempt - 1)), "attempt \(attempt): delay \(delay)")
                #expect(current.lastError == "fixture failure x attempt \(attempt)")
                clock.advance(by: pow(2, Double(attempt - 1)) + 0.001)
                failedAt = clock.now
            }
            try await Self.eventually("the job is dead") { try await queue.job(job.id)?.state == .dead }
            let dead = try #require(try await queue.job(job.id))
            #expect(dead.attempt == 4)
            #expect(dead.lastError == "fixture failure x attempt 4")
            // Retrying a dead job gives it a fresh set of attempts.
            _ = try await queue.retry(job.id)
            try await Self.eventually("the retried job failed again") { try await queue.job(job.id)?.attempt == 1 }
        }
    }

    @Test(arguments: TestBackend.all)
    func uniqueKeysHoldWhileAJobWaits(backend: TestBackend) async throws {
        try await TestKernel.run(plugins: Self.plugins, backend: backend, environment: Self.fast) { kernel in
            let queue = try kernel.services.require(JobQueue.self, by: "test", dependencies: [])
            let later = Date().addingTimeInterval(3600)
            let first = try await queue.enqueue("fixture.record", payload: JobsFixturePlugin.Payload(tag: "u"), options: EnqueueOptions(runAt: later, uniqueKey: "invoice-42"))
            let second = try await queue.enqueue("fixture.record", payload: JobsFixturePlugin.Payload(tag: "u"), options: EnqueueOptions(runAt: later, uniqueKey: "invoice-42"))
            #expect(!first.duplicate)
            #expect(second.duplicate && second.id == first.id)
            let otherType = try await queue.enqueue("fixture.fail", payload: JobsFixturePlugin.Payload(tag: "u"), options: EnqueueOptions(runAt: later, uniqueKey: "invoice-42"))
            #expect(!otherType.duplicate, "keys are per job type")
            // A finished job frees its key.
            _ = try await queue.cancel(first.id)
            let third = try await queue.enqueue("fixture.record", payload: JobsFixturePlugin.Payload(tag: "u"), options: EnqueueOptions(runAt: later, uniqueKey: "invoice-42"))
            #expect(!third.duplicate && third.id != first.id)
        }
    }

    @Test(arguments: TestBackend.all)
    func eventsCarryTenantsAndErrorsExactly(backend: TestBackend) async throws {
        try await TestKernel.run(plugins: Self.plugins, backend: backend, environment: Self.fast) { kernel in
            let queue = try kernel.services.require(JobQueue.self, by: "test", dependencies: [])
            let events = queue.subscribe()
            try await Task.sleep(for: .milliseconds(100)) // the hub's listener is up
            // Quotes, backslashes, control characters and non-ASCII survive the trip between instances.
            let tag = "q\"uote \\ tab\t line\n bell\u{07} ünïcødé 🚀"
            let tenant = "t\"en\\ant\n"
            let job = try await queue.enqueue("fixture.fail", payload: JobsFixturePlugin.Payload(tag: tag), options: EnqueueOptions(maxAttempts: 1, tenant: tenant))
            var seen: [JobEvent] = []
            for await event in events where event.id == job.id {
                seen.append(event)
                if event.state == .dead { break }
            }
            #expect(seen.map(\.state) == [.available, .running, .dead])
            #expect(seen.allSatisfy { $0.tenant == tenant && $0.type == "fixture.fail" })
            #expect(seen.last?.error == "fixture failure \(tag) attempt 1")
            #expect(seen.last?.attempt == 1)
        }
    }

    @Test(arguments: TestBackend.all)
    func aFailingTypeOpensItsBreakerWhileOtherTypesRun(backend: TestBackend) async throws {
        let clock = ManualClock(now: Date(timeIntervalSince1970: 1_800_000_000))
        // One job at a time, so the failures before the breaker opens are exactly the threshold.
        let environment = Self.fast.merging(["PLINTH_JOBS_BREAKER_THRESHOLD": "3", "PLINTH_JOBS_CONCURRENCY": "1", "PLINTH_JOBS_BATCH": "1"]) { $1 }
        try await TestKernel.run(plugins: Self.plugins, backend: backend, environment: environment, clock: clock) { kernel in
            let queue = try kernel.services.require(JobQueue.self, by: "test", dependencies: [])
            var failing: [Int64] = []
            for index in 0..<6 {
                failing.append(try await queue.enqueue("fixture.fail", payload: JobsFixturePlugin.Payload(tag: "f\(index)"), options: EnqueueOptions(maxAttempts: 1)).id)
            }
            func states() async throws -> [JobState] { try await failing.asyncMap { try await queue.job($0)?.state ?? .cancelled } }
            try await Self.eventually("three failures") { try await states().filter { $0 == .dead }.count == 3 }
            // Open: the type is not claimed, while another type still runs.
            let other = try await queue.enqueue("fixture.record", payload: JobsFixturePlugin.Payload(tag: "other"))
            try await Self.eventually("the other type ran") { try await queue.job(other.id)?.state == .completed }
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await states().filter { $0 == .dead }.count == 3)
            #expect(try await states().filter { $0 == .available }.count == 3)
            // After the 5 s cooldown one probe goes through; it fails, so the breaker opens again.
            clock.advance(by: 5.001)
            try await Self.eventually("the probe ran") { try await states().filter { $0 == .dead }.count == 4 }
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await states().filter { $0 == .dead }.count == 4)
            #expect(try await states().filter { $0 == .available }.count == 2)
        }
    }

    @Test(arguments: TestBackend.all)
    func cancelledJobsNeverRunAndTimeoutsFail(backend: TestBackend) async throws {
        try await TestKernel.run(plugins: Self.plugins, backend: backend, environment: Self.fast) { kernel in
            let queue = try kernel.services.require(JobQueue.self, by: "test", dependencies: [])
            // Due in 5 s: long enough that a loaded machine still cancels it first.
            let enqueued = ContinuousClock.now
            let waiting = try await queue.enqueue("fixture.record", payload: JobsFixturePlugin.Payload(tag: "cancelled"), options: EnqueueOptions(runAt: Date().addingTimeInterval(5)))
            let cancelled = try await queue.cancel(waiting.id)
            #expect(cancelled.state == .cancelled)
            await #expect(throws: JobQueueError.invalidState(id: waiting.id, state: .cancelled, action: "cancelled")) { _ = try await queue.cancel(waiting.id) }
            // fixture.sleep has a 2 s timeout.
            let slow = try await queue.enqueue("fixture.sleep", payload: JobsFixturePlugin.Payload(tag: "slow", ms: 10_000), options: EnqueueOptions(maxAttempts: 1))
            try await Self.eventually("the slow job timed out") { try await queue.job(slow.id)?.state == .dead }
            #expect(try await queue.job(slow.id)?.lastError == "timed out after 2.0 s")
            // Past its due time, with room for a worker to have claimed it.
            let waited = ContinuousClock.now - enqueued
            if waited < .milliseconds(6500) { try await Task.sleep(for: .milliseconds(6500) - waited) }
            #expect(try await Self.effects(kernel, tag: "cancelled").isEmpty)
        }
    }

    @Test(arguments: TestBackend.all)
    func aRunningJobCancelledThroughTheQueueStops(backend: TestBackend) async throws {
        try await TestKernel.run(plugins: Self.plugins, backend: backend, environment: Self.fast.merging(["PLINTH_JOBS_LEASE": "300ms"]) { $1 }) { kernel in
            let queue = try kernel.services.require(JobQueue.self, by: "test", dependencies: [])
            let job = try await queue.enqueue("fixture.sleep", payload: JobsFixturePlugin.Payload(tag: "stopped", ms: 1500))
            try await Self.eventually("the job is running") { try await queue.job(job.id)?.state == .running }
            _ = try await queue.cancel(job.id)
            try await Task.sleep(for: .milliseconds(1800))
            #expect(try await queue.job(job.id)?.state == .cancelled)
            #expect(try await Self.effects(kernel, tag: "stopped").isEmpty, "the heartbeat noticed the cancel and stopped the handler")
        }
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
