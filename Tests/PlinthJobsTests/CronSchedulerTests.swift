import Foundation
import JobsFixture
import PlinthJobs
import PlinthKernel
import PlinthTesting
import SQLKit
import Testing

/// Schedules fire exactly once per tick however many instances run them.
@Suite struct CronSchedulerTests {
    @Test(arguments: TestBackend.all)
    func eachTickFiresOnceAcrossThreeInstances(backend: TestBackend) async throws {
        let clock = ManualClock(now: Date(timeIntervalSince1970: 1_800_000_000)) // a 5-minute boundary
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let schema = "t_cron_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10).lowercased()
        // Workers off: the enqueued jobs stay in the queue to be counted.
        let environment = ["PLINTH_DATA_DIR": folder, "PLINTH_JOBS_WORKER": "false"]
        let plugins = [PluginEntry(JobsPlugin.self), PluginEntry(JobsFixturePlugin.self)]
        try await TestKernel.run(plugins: plugins, backend: backend, environment: environment, schema: schema, clock: clock) { a in
            let queue = try a.services.require(JobQueue.self, by: "test")
            let schedule = try await queue.schedule("report", cron: "*/5 * * * *", timeZone: "Europe/Bucharest", type: "fixture.record", payload: JobsFixturePlugin.Payload(tag: "cron"))
            #expect(schedule.nextRunAt == Date(timeIntervalSince1970: 1_800_000_300))
            try await TestKernel.run(plugins: plugins, backend: backend, environment: environment, schema: schema, clock: clock) { _ in
                try await TestKernel.run(plugins: plugins, backend: backend, environment: environment, schema: schema, clock: clock) { _ in
                    for tick in 1...3 {
                        clock.advance(by: 300)
                        let deadline = Date().addingTimeInterval(10)
                        while try await queue.jobs(type: "fixture.record").count < tick, Date() < deadline {
                            try await Task.sleep(for: .milliseconds(20))
                        }
                        try await Task.sleep(for: .milliseconds(300)) // give the other two instances their chance
                        let jobs = try await queue.jobs(type: "fixture.record")
                        #expect(jobs.count == tick, "tick \(tick): \(jobs.count) jobs")
                        #expect(jobs.first?.runAt == Date(timeIntervalSince1970: 1_800_000_000 + Double(tick) * 300))
                    }
                    let saved = try #require(try await queue.schedules().first)
                    #expect(saved.lastRunAt == Date(timeIntervalSince1970: 1_800_000_900))
                    #expect(saved.nextRunAt == Date(timeIntervalSince1970: 1_800_001_200))
                }
            }
            if case .postgres = backend { try await a.database.sql.raw("DROP SCHEMA \(ident: schema) CASCADE").run() }
        }
    }

    @Test func badSchedulesAreRefusedWithTheReason() async throws {
        try await TestKernel.run(plugins: [PluginEntry(JobsPlugin.self)], backend: .sqlite) { kernel in
            let queue = try kernel.services.require(JobQueue.self, by: "test")
            await #expect { try await queue.schedule("x", cron: "0 25 * * *", type: "jobs.noop", payload: [String: String]()) } throws: { error in
                "\(error)" == #"cron "0 25 * * *": hour 25 is out of range 0-23"#
            }
            await #expect { try await queue.schedule("x", cron: "@daily", timeZone: "Mars/Olympus", type: "jobs.noop", payload: [String: String]()) } throws: { error in
                "\(error)" == "'Mars/Olympus' is not an IANA time zone such as Europe/Bucharest or UTC"
            }
        }
    }
}
