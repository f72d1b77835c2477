import Foundation
import PlinthKernel
import PlinthTesting
import SQLKit
import Testing

@Suite struct MigrationTests {
    static let create = Migration("001_create", up: ["CREATE TABLE m_items (id INTEGER PRIMARY KEY)"], down: ["DROP TABLE m_items"])
    static let add = Migration("002_add", up: ["CREATE TABLE m_more (id INTEGER PRIMARY KEY)"], down: ["DROP TABLE m_more"])
    static let broken = Migration("003_broken", up: ["CREATE TABLE m_half (id INTEGER PRIMARY KEY)", "INSERT INTO no_such_table VALUES (1)"])

    func plugin(_ migrations: [Migration]) -> PluginEntry {
        manifestOnly(.init(id: "mig", name: "M", version: "1.0.0"), migrations: migrations)
    }

    /// Runs kernels one after another on the same database, as restarts with edited code would.
    func onSameDatabase(_ backend: TestBackend, _ steps: [([Migration], (RunningKernel) async throws -> Void)]) async throws {
        let schema = "m_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("plinth-test-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        for (migrations, body) in steps {
            try await TestKernel.run(plugins: [plugin(migrations)], backend: backend, environment: ["PLINTH_DATA_DIR": dataDir], schema: schema, options: .init(migrate: false, boot: false, mount: false), body)
        }
        if case .postgres = backend {
            try await TestKernel.run(plugins: [], backend: backend, schema: schema, options: .init(migrate: false, boot: false, mount: false)) { kernel in
                try await kernel.database.sql.raw("DROP SCHEMA \(ident: schema) CASCADE").run()
            }
        }
    }

    func exists(_ table: String, _ kernel: RunningKernel) async -> Bool {
        (try? await kernel.database.sql.raw("SELECT COUNT(*) AS n FROM \(ident: table)").run()) != nil
    }

    @Test(arguments: TestBackend.all)
    func upAppliesRecordsAndIsIdempotent(backend: TestBackend) async throws {
        try await onSameDatabase(backend, [([Self.create, Self.add], { (kernel: RunningKernel) async throws -> Void in
            #expect(try await kernel.migrator.plan(plugin: "mig").map(\.name) == ["001_create", "002_add"])
            let applied = try await kernel.migrator.up()
            #expect(applied.map { "\($0.plugin)/\($0.name)" } == ["kernel/001_sessions", "kernel/002_audit_log", "kernel/003_channel_payloads", "kernel/004_socket_tickets", "mig/001_create", "mig/002_add"])
            #expect(try await kernel.migrator.up().isEmpty)
            let status = try await kernel.migrator.status(plugin: "mig")
            #expect(status.allSatisfy { $0.state == .applied && $0.appliedAt != nil && $0.durationMilliseconds != nil })
            let row = try await kernel.database.sql.raw("SELECT checksum FROM plinth_migrations WHERE plugin = 'mig' AND name = '001_create'").first()
            #expect(try row?.decode(column: "checksum", as: String.self) == Self.create.checksum)
        })])
    }

    @Test(arguments: TestBackend.all)
    func failingMigrationRollsBackAndNamesPluginMigrationAndDatabaseMessage(backend: TestBackend) async throws {
        try await onSameDatabase(backend, [([Self.create, Self.broken], { (kernel: RunningKernel) async throws -> Void in
            do {
                try await kernel.migrator.up()
                Issue.record("up should fail")
            } catch let error as MigrationError {
                let text = "\(error)"
                #expect(text.hasPrefix("migration '003_broken' of plugin 'mig' failed and was rolled back: "))
                #expect(text.contains("no_such_table"))
            }
            #expect(await exists("m_items", kernel))
            #expect(await !exists("m_half", kernel))
            #expect(try await kernel.migrator.status(plugin: "mig").map(\.state) == [.applied, .pending])
        })])
    }

    @Test(arguments: TestBackend.all)
    func editedAppliedMigrationBlocksUpUntilRepaired(backend: TestBackend) async throws {
        let edited = Migration("001_create", up: ["CREATE TABLE m_items (id INTEGER PRIMARY KEY, name TEXT)"], down: ["DROP TABLE m_items"])
        try await onSameDatabase(backend, [
            ([Self.create], { (kernel: RunningKernel) async throws -> Void in _ = try await kernel.migrator.up() }),
            ([edited, Self.add], { (kernel: RunningKernel) async throws -> Void in
                #expect(try await kernel.migrator.status(plugin: "mig").map(\.state) == [.changed, .pending])
                do {
                    try await kernel.migrator.up()
                    Issue.record("up should be blocked")
                } catch {
                    #expect("\(error)".contains("migration '001_create' of plugin 'mig' was edited after it was applied"))
                }
                #expect(await !exists("m_more", kernel))
                #expect(try await kernel.migrator.repair(plugin: "mig").map(\.name) == ["001_create"])
                #expect(try await kernel.migrator.up().map(\.name) == ["002_add"])
            }),
        ])
    }

    @Test(arguments: TestBackend.all)
    func downRevertsTheLastMigrationsInReverse(backend: TestBackend) async throws {
        try await onSameDatabase(backend, [([Self.create, Self.add], { (kernel: RunningKernel) async throws -> Void in
            try await kernel.migrator.up()
            #expect(try await kernel.migrator.down(plugin: "mig").map(\.name) == ["002_add"])
            #expect(await !exists("m_more", kernel))
            #expect(await exists("m_items", kernel))
            #expect(try await kernel.migrator.down(plugin: "mig", steps: 5).map(\.name) == ["001_create"])
            #expect(try await kernel.migrator.status(plugin: "mig").map(\.state) == [.pending, .pending])
            await #expect(throws: MigrationError.self) { try await kernel.migrator.status(plugin: "nope") }
        })])
    }

    @Test(arguments: TestBackend.all)
    func irreversibleMigrationStopsDown(backend: TestBackend) async throws {
        let oneWay = Migration("001_one_way", up: ["CREATE TABLE m_one (id INTEGER)"])
        try await onSameDatabase(backend, [([oneWay], { (kernel: RunningKernel) async throws -> Void in
            try await kernel.migrator.up()
            do { try await kernel.migrator.down(plugin: "mig"); Issue.record("down should fail") } catch {
                #expect("\(error)" == "migration '001_one_way' of plugin 'mig' has no down SQL and cannot be reverted; add down SQL to it (a shared object registers it with register_migration_down, ABI 1.2), or revert by hand and delete its row from plinth_migrations")
            }
        })])
    }

    @Test(arguments: TestBackend.all)
    func dialectSpecificSQLRunsOnItsBackend(backend: TestBackend) async throws {
        let perDialect = Migration("001_dialect", up: MigrationSQL(
            sqlite: ["CREATE TABLE m_dialect (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT DEFAULT 'sqlite')"],
            postgres: ["CREATE TABLE m_dialect (id BIGSERIAL PRIMARY KEY, kind TEXT DEFAULT 'postgres')"]
        ))
        try await onSameDatabase(backend, [([perDialect], { (kernel: RunningKernel) async throws -> Void in
            try await kernel.migrator.up()
            try await kernel.database.sql.raw("INSERT INTO m_dialect DEFAULT VALUES").run()
            let kind = try await kernel.database.sql.raw("SELECT kind FROM m_dialect").first()?.decode(column: "kind", as: String.self)
            #expect(kind == backend.description)
        })])
    }
}
