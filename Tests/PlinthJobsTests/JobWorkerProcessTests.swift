import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PlinthKernel
import PlinthTesting
import SQLKit
import Testing

/// Real worker processes (`plinth-fixture serve`) sharing one database.
@Suite(.serialized) struct JobWorkerProcessTests {
    /// A database for the processes: a fresh PostgreSQL database, or a SQLite file in `folder`.
    static func database(_ backend: TestBackend, folder: String) async throws -> (environment: [String: String], drop: @Sendable () async throws -> Void) {
        try await ProcessDatabase.make(backend, folder: folder)
    }

    /// Runs SQL against the processes' database.
    static func query<T: Sendable>(_ backend: TestBackend, _ environment: [String: String], _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await ProcessDatabase.query(backend, environment, body)
    }

    static func worker(_ environment: [String: String], folder: String) throws -> PlinthProcess {
        try PlinthProcess(["serve"], environment: environment.merging([
            "PORT": "0", "PLINTH_JOBS_POLL_INTERVAL": "50ms", "PLINTH_JOBS_IDLE_POLL_INTERVAL": "200ms",
        ]) { $1 }, directory: folder, executable: PlinthProcess.sibling("plinth-fixture"))
    }

    static func post(_ url: String, _ json: String) async throws -> Int {
        try await httpPost(url, body: json, headers: ["content-type": "application/json"]).status
    }

    static func eventually(_ what: String, timeout: Double = 60, _ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("timed out waiting for: \(what)")
        throw CancellationError()
    }

    @Test(arguments: TestBackend.all)
    func threeWorkerProcessesNeverRunAJobTwice(backend: TestBackend) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (environment, drop) = try await Self.database(backend, folder: folder)
        // The first process migrates; the others start once the schema is there.
        let first = try Self.worker(environment, folder: folder)
        let url = try await first.waitUntilListening()
        let workers = try [first] + (0..<2).map { _ in try Self.worker(environment, folder: folder) }
        for worker in workers.dropFirst() { _ = try await worker.waitUntilListening() }
        defer { for worker in workers { worker.signal(SIGKILL) } }

        let count = 300
        for i in 0..<count {
            #expect(try await Self.post(url + "/api/jobs", #"{"type":"fixture.record","payload":{"tag":"three-\#(i)"}}"#) == 201)
        }
        try await Self.eventually("all \(count) jobs completed") {
            try await Self.query(backend, environment) { sql in
                try await sql.raw("SELECT COUNT(*) AS n FROM jobs_queue WHERE state = 'completed'").first()!.decode(column: "n", as: Int.self)
            } == count
        }
        let (effects, distinct, attempts) = try await Self.query(backend, environment) { sql in
            let row = try await sql.raw("SELECT COUNT(*) AS n, COUNT(DISTINCT job_id) AS d, MAX(attempt) AS a FROM fixture_effects").first()!
            return (try row.decode(column: "n", as: Int.self), try row.decode(column: "d", as: Int.self), try row.decode(column: "a", as: Int.self))
        }
        #expect(effects == count, "each job's side effect happened exactly once")
        #expect(distinct == count)
        #expect(attempts == 1)
        for worker in workers { worker.signal(SIGTERM) }
        for worker in workers { #expect(try await worker.waitForExit() == 0) }
        try await drop()
    }

    @Test(arguments: TestBackend.all)
    func aJobOfAKilledWorkerIsRescuedAndCompletedOnce(backend: TestBackend) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (base, drop) = try await Self.database(backend, folder: folder)
        let environment = base.merging(["PLINTH_JOBS_LEASE": "1s"]) { $1 }
        let doomed = try Self.worker(environment, folder: folder)
        let url = try await doomed.waitUntilListening()
        #expect(try await Self.post(url + "/api/jobs", #"{"type":"fixture.sleep","payload":{"tag":"rescued","ms":1500}}"#) == 201)
        try await Self.eventually("the job is running") {
            try await Self.query(backend, environment) { sql in
                try await sql.raw("SELECT state FROM jobs_queue").first()?.decode(column: "state", as: String.self)
            } == "running"
        }
        doomed.signal(SIGKILL)
        _ = try await doomed.waitForExit()

        let survivor = try Self.worker(environment, folder: folder)
        defer { survivor.signal(SIGKILL) }
        _ = try await survivor.waitUntilListening()
        try await Self.eventually("the rescued job completed") {
            try await Self.query(backend, environment) { sql in
                try await sql.raw("SELECT state FROM jobs_queue").first()?.decode(column: "state", as: String.self)
            } == "completed"
        }
        let effects = try await Self.query(backend, environment) { sql in
            try await sql.raw("SELECT attempt FROM fixture_effects WHERE tag = 'rescued'").all().map { try $0.decode(column: "attempt", as: Int.self) }
        }
        #expect(effects == [2], "killed mid-job on attempt 1, completed once on attempt 2")
        survivor.signal(SIGTERM)
        _ = try await survivor.waitForExit()
        try await drop()
    }

    @Test(arguments: TestBackend.all)
    func theEventStreamShowsAJobMovingThroughItsStates(backend: TestBackend) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (environment, drop) = try await Self.database(backend, folder: folder)
        let server = try Self.worker(environment, folder: folder)
        defer { server.signal(SIGKILL) }
        let url = try await server.waitUntilListening()
        // `curl -N` as a dashboard would hold the stream, for four seconds.
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // Into a file, not a pipe: a process another test starts meanwhile could inherit the
        // pipe's write end and keep its end-of-file from ever coming.
        let streamFile = folder + "/stream.txt"
        curl.arguments = ["curl", "-sN", "--max-time", "4", "-o", streamFile, url + "/api/jobs/events?type=fixture.record"]
        try curl.run()
        try await Task.sleep(for: .milliseconds(700))
        #expect(try await Self.post(url + "/api/jobs", #"{"type":"fixture.record","payload":{"tag":"sse"}}"#) == 201)
        #expect(try await Self.post(url + "/api/jobs", #"{"type":"jobs.noop"}"#) == 201)
        while curl.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        let text = (try? String(contentsOfFile: streamFile, encoding: .utf8)) ?? ""
        let states = text.split(separator: "\n").filter { $0.hasPrefix("data: ") }.compactMap { line -> String? in
            let object = try? JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8)) as? [String: Any]
            return object?["state"] as? String
        }
        #expect(states == ["available", "running", "completed"], "the stream of fixture.record jobs: \(text)")
        #expect(text.hasPrefix(": connected"))
        try await drop()
    }
}
