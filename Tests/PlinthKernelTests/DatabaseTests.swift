import Foundation
import PlinthKernel
import PlinthTesting
import SQLKit
import Synchronization
import Testing

@Suite struct DatabaseTests {
    func withDatabase(_ backend: TestBackend, _ body: (Database) async throws -> Void) async throws {
        try await TestKernel.run(plugins: [PluginEntry(NotesPlugin.self)], backend: backend, options: .init(boot: false, mount: false)) { kernel in
            try await body(kernel.database)
        }
    }

    func count(_ db: Database) async throws -> Int {
        try await db.sql.raw("SELECT COUNT(*) AS n FROM notes_items").first()!.decode(column: "n", as: Int.self)
    }

    @Test func sqliteQueriesDoNotWaitBehindBlockingFileWork() async throws {
        try await withDatabase(.sqlite) { db in
            let (count, waited) = try await whileTheSharedBlockingPoolIsFull {
                try await db.sql.raw("INSERT INTO notes_items (id, body) VALUES ('q', 'x')").run()
                return try await self.count(db)
            }
            #expect(count == 1)
            #expect(!waited, "the queries waited for blocking file work")
        }
    }

    @Test(arguments: TestBackend.all)
    func transactionCommitsOrRollsBack(backend: TestBackend) async throws {
        try await withDatabase(backend) { db in
            try await db.transaction { sql in try await sql.raw("INSERT INTO notes_items (id, body) VALUES ('a', 'x')").run() }
            await #expect(throws: Problem.self) {
                try await db.transaction { sql in
                    try await sql.raw("INSERT INTO notes_items (id, body) VALUES ('b', 'y')").run()
                    throw Problem(.conflict)
                }
            }
            #expect(try await count(db) == 1)
        }
    }

    @Test(arguments: TestBackend.all)
    func codeInsideATransactionJoinsIt(backend: TestBackend) async throws {
        try await withDatabase(backend) { db in
            await #expect(throws: Problem.self) {
                try await db.transaction { _ in
                    // `db.sql` is the pooled database, yet this insert must roll back with the transaction.
                    try await db.sql.raw("INSERT INTO notes_items (id, body) VALUES ('c', 'z')").run()
                    #expect(try await count(db) == 1)
                    throw Problem(.conflict)
                }
            }
            let remaining = try await count(db)
            #expect(remaining == 0)
        }
    }

    @Test(arguments: TestBackend.all)
    func tenantTransactionExposesTheTenant(backend: TestBackend) async throws {
        try await withDatabase(backend) { db in
            let seen = try await db.tenantTransaction(tenant: "acme") { sql async throws -> String? in
                if db.kind == .postgres {
                    return try await sql.raw("SELECT current_setting('app.current_tenant', true) AS t").first()?.decode(column: "t", as: String.self)
                }
                return Database.currentTenant
            }
            #expect(seen == "acme")
            #expect(Database.currentTenant == nil)
            if db.kind == .postgres {
                // set_config(..., true) is local: gone after commit, '' rather than NULL.
                let after = try await db.sql.raw("SELECT COALESCE(current_setting('app.current_tenant', true), '') AS t").first()?.decode(column: "t", as: String.self)
                #expect(after == "")
            }
            await #expect(throws: DatabaseError.self) {
                try await db.tenantTransaction(tenant: "acme") { _ in try await db.tenantTransaction(tenant: "other") { _ in } }
            }
        }
    }

    @Test(arguments: TestBackend.all)
    func clusterLockIsExclusive(backend: TestBackend) async throws {
        try await withDatabase(backend) { db in
            let inside = Concurrency()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        try await db.withClusterLock("test.lock") {
                            inside.enter()
                            try await Task.sleep(for: .milliseconds(20))
                            inside.leave()
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(inside.most == 1)
            let skipped = try await db.withClusterLock("test.lock2") {
                try await db.withClusterLockIfAvailable("test.lock2") { "ran" }
            }
            // On PostgreSQL the advisory lock is per session, and the inner call uses another connection.
            #expect(skipped == nil)
        }
    }

    @Test(arguments: TestBackend.all)
    func notificationsReachListeners(backend: TestBackend) async throws {
        try await withDatabase(backend) { db in
            let stream = try await db.listen(channel: "pings")
            try await db.notify(channel: "pings", payload: "one")
            try await db.transaction { _ in try await db.notify(channel: "pings", payload: "two") }
            var received: [String] = []
            for try await payload in stream {
                received.append(payload)
                if received.count == 2 { break }
            }
            #expect(received == ["one", "two"])
        }
    }

    @Test func postgresConfigurationFromPartsAndURL() throws {
        let pg = try DatabaseConfiguration.postgres(url: "postgres://app:s%40cret@db.internal:6543/main?sslmode=disable")
        #expect(pg.host == "db.internal" && pg.port == 6543 && pg.username == "app" && pg.password == "s@cret" && pg.database == "main")
        #expect(pg.options.minimumConnections == 2 && pg.options.maximumConnections == 10)
        #expect(pg.options.connectionIdleTimeout == .seconds(30) && pg.options.connectTimeout == .seconds(5))
        #expect(throws: ConfigurationError.self) { try DatabaseConfiguration.postgres(url: "mysql://x@y/z") }
        let config = try KernelConfiguration.load(from: .values(["POSTGRES_HOST": "h", "POSTGRES_PORT": "5433", "POSTGRES_USER": "u", "POSTGRES_PASSWORD": "p", "POSTGRES_DB": "d", "POSTGRES_SSL": "false"]))
        guard case .postgres(let parts) = config.database.backend else { Issue.record("expected postgres"); return }
        #expect(parts.host == "h" && parts.port == 5433 && parts.username == "u" && parts.database == "d")
        #expect(throws: ConfigurationError.self) { try KernelConfiguration.load(from: .values(["POSTGRES_HOST": "h", "POSTGRES_SSL": "maybe"])) }
    }

    @Test func sqliteIsTheDefaultUnderTheDataDirectory() throws {
        let config = try KernelConfiguration.load(from: .values(["PLINTH_DATA_DIR": "/srv/plinth"]))
        guard case .sqlite(let path) = config.database.backend else { Issue.record("expected sqlite"); return }
        #expect(path == "/srv/plinth/plinth.sqlite")
        let defaults = try KernelConfiguration.load(from: .values([:]))
        guard case .sqlite(let defaultPath) = defaults.database.backend else { Issue.record("expected sqlite"); return }
        #expect(defaultPath == "./data/plinth.sqlite")
    }
}

/// Counts how many tasks are inside a section at once.
final class Concurrency: Sendable {
    private let state = Mutex((now: 0, most: 0))
    func enter() { state.withLock { $0.now += 1; $0.most = max($0.most, $0.now) } }
    func leave() { state.withLock { $0.now -= 1 } }
    var most: Int { state.withLock { $0.most } }
}

extension DatabaseTests {
    @Test(arguments: TestBackend.all)
    func nestedUseInsideWithConnectionReusesTheConnection(backend: TestBackend) async throws {
        try await withDatabase(backend) { db in
            // On SQLite's single connection this would wait for itself if nesting took a new one.
            let n = try await withDeadline(seconds: 10) {
                try await db.withConnection { _ in
                    try await db.transaction { sql in try await sql.raw("INSERT INTO notes_items (id, body) VALUES ('n', 'nested')").run() }
                    return try await db.sql.raw("SELECT COUNT(*) AS n FROM notes_items").first()!.decode(column: "n", as: Int.self)
                }
            }
            #expect(n == 1)
        }
    }

    @Test(arguments: TestBackend.all)
    func taskOutlivingItsTransactionUsesItsOwnConnection(backend: TestBackend) async throws {
        try await withDatabase(backend) { db in
            let late = try await db.transaction { _ in
                Task {
                    try await Task.sleep(for: .milliseconds(100))
                    // The transaction has committed by now; this must not use its connection.
                    try await db.sql.raw("INSERT INTO notes_items (id, body) VALUES ('late', 'x')").run()
                }
            }
            try await late.value
            #expect(try await count(db) == 1)
        }
    }

    @Test func deadlineDoesNotWaitForWorkThatIgnoresCancellation() async throws {
        let started = ContinuousClock.now
        await #expect(throws: DeadlineExceeded.self) {
            try await withDeadline(seconds: 0.1) {
                // A continuation resumed by a timer ignores cancellation, as careless plugin code might.
                await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                    DispatchQueue.global().asyncAfter(deadline: .now() + 30) { done.resume() }
                }
                return 1
            }
        }
        // Far below the work's 30 s, with room for a loaded two-core machine running other tests.
        #expect(ContinuousClock.now - started < .seconds(10))
    }
}
