import Foundation
import PlinthJobs
import PlinthKernel
import SQLKit
import Synchronization

/// Registers job types whose side effects tests can count: `fixture.record` inserts a row per
/// run, `fixture.fail` always throws, `fixture.sleep` sleeps `ms` milliseconds then records.
public struct JobsFixturePlugin: SaaSPlugin {
    public static let manifest = PluginManifest(id: "fixture", name: "Fixture", version: "1.0.0", dependencies: ["jobs": "^1.0.0"])

    public struct Payload: Codable, Sendable {
        public var tag: String
        public var ms: Int?
        public init(tag: String, ms: Int? = nil) {
            self.tag = tag
            self.ms = ms
        }
    }

    public init(context: PluginContext) throws {}

    public var migrations: [Migration] {
        [Migration("001_effects", up: ["CREATE TABLE fixture_effects (job_id BIGINT NOT NULL, tag TEXT NOT NULL, attempt INTEGER NOT NULL, tenant TEXT)"], down: ["DROP TABLE fixture_effects"])]
    }

    public func provide(_ context: PluginContext) async throws {
        let queue = try context.require(JobQueue.self)
        let database = context.database
        queue.register("fixture.record", as: Payload.self) { job, payload in
            try await database.sql.raw("INSERT INTO fixture_effects (job_id, tag, attempt, tenant) VALUES (\(bind: job.id), \(bind: payload.tag), \(bind: job.attempt), \(bind: job.tenant))").run()
        }
        queue.register("fixture.fail", as: Payload.self) { job, payload in
            throw FixtureFailure(message: "fixture failure \(payload.tag) attempt \(job.attempt)")
        }
        queue.register("fixture.sleep", as: Payload.self, timeout: 2) { job, payload in
            try await Task.sleep(for: .milliseconds(payload.ms ?? 1000))
            try await database.sql.raw("INSERT INTO fixture_effects (job_id, tag, attempt, tenant) VALUES (\(bind: job.id), \(bind: payload.tag), \(bind: job.attempt), \(bind: job.tenant))").run()
        }
    }
}

struct FixtureFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
