import Foundation
import SQLKit
import PlinthTesting
import Testing

/// Every fault a shared object can have, each with its own fixture `.so`, its message (file,
/// what is wrong, what to do), and startup refused by default.
@Suite struct DylibFaultTests {
    /// (fixture file, how to build it, fragments the message must contain)
    static func expectRefused(_ build: (String) async throws -> Void, _ fragments: [String], file: String) async throws {
        let (folder, plugins) = try Dylib.folders()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await build(plugins)
        let (status, log) = try await Dylib.refusedStart(folder)
        #expect(status == 1, "\(log)")
        for fragment in fragments + [plugins + "/" + file] {
            #expect(log.contains(fragment), "missing '\(fragment)' in:\n\(log)")
        }
        #expect(!log.contains("listening"))
    }

    @Test func notASharedObject() async throws {
        try await Self.expectRefused({ try Data("just text\n".utf8).write(to: URL(fileURLWithPath: $0 + "/notes.so")) },
                                     ["not a shared object", "remove it from the plugin directory"], file: "notes.so")
    }

    @Test func aMissingDependencyLibrary() async throws {
        try await Self.expectRefused({ plugins in
            let library = plugins + "/../libplinthdep.so"
            try await Dylib.compile([Dylib.root + "/Tests/PlinthDylibTests/Fixtures/dependency.c"], to: library)
            try await Dylib.compile([Dylib.fixture], to: plugins + "/needs.so", ["-DFAULT_MISSING_DEPENDENCY", "-L" + plugins + "/..", "-lplinthdep"])
            try FileManager.default.removeItem(atPath: library)
        }, ["a library it needs is missing", "libplinthdep.so"], file: "needs.so")
    }

    @Test func noEntrySymbol() async throws {
        try await Self.expectRefused({ try await Dylib.fixture($0, "noentry.so", ["FAULT_NO_ENTRY"]) },
                                     ["no entry point \"plinth_plugin_descriptor_v1\"", "plinth_plugin.h"], file: "noentry.so")
    }

    @Test func badMagic() async throws {
        try await Self.expectRefused({ try await Dylib.fixture($0, "magic.so", ["FAULT_BAD_MAGIC"]) },
                                     ["bad magic 0x12345678", "expected 0x504c4e54"], file: "magic.so")
    }

    @Test func descriptorTooSmall() async throws {
        try await Self.expectRefused({ try await Dylib.fixture($0, "small.so", ["FAULT_SMALL_DESCRIPTOR"]) },
                                     ["descriptor is 16 bytes, smaller than"], file: "small.so")
    }

    @Test func abiMajorMismatch() async throws {
        try await Self.expectRefused({ try await Dylib.fixture($0, "major.so", ["FAULT_MAJOR"]) },
                                     ["ABI version mismatch: host provides 1.3, plugin built for 2.3", "rebuild the plugin"], file: "major.so")
    }

    @Test func pluginMinorNewerThanHost() async throws {
        try await Self.expectRefused({ try await Dylib.fixture($0, "minor.so", ["FAULT_MINOR"]) },
                                     ["needs ABI 1.10, this Plinth provides 1.3", "upgrade Plinth"], file: "minor.so")
    }

    @Test func initFailsWithThePluginsOwnMessage() async throws {
        try await Self.expectRefused({ try await Dylib.fixture($0, "initfail.so", ["FAULT_INIT_FAILS"]) },
                                     ["plugin \"fixture\"", "failed during initialization: license file /etc/fixture.lic is missing"], file: "initfail.so")
    }

    @Test func duplicateIdAgainstACompiledInPlugin() async throws {
        try await Self.expectRefused({ try await Dylib.fixture($0, "auth.so", [#"PLUGIN_NAME="auth""#]) }, ["auth", "compiled-in"], file: "auth.so")
    }

    @Test func duplicateIdBetweenTwoSharedObjects() async throws {
        try await Self.expectRefused({ plugins in
            try await Dylib.fixture(plugins, "a.so")
            try await Dylib.fixture(plugins, "b.so")
        }, ["fixture", "a.so"], file: "b.so")
    }

    @Test func routeConflictWithAnotherPlugin() async throws {
        // Plugin "tenants" mounts at /api/tenants; POST there is the auth plugin's.
        try await Self.expectRefused({ try await Dylib.fixture($0, "tenants.so", [#"PLUGIN_NAME="tenants""#, #"ROUTE="""#, #"ROUTE_METHOD="POST""#]) },
                                     ["route POST /api/tenants", "plugin 'auth'", "plugin 'tenants'"], file: "tenants.so")
    }

    @Test(arguments: TestBackend.all)
    func aFailingMigrationIsRolledBackAndNamed(backend: TestBackend) async throws {
        let (folder, plugins) = try Dylib.folders()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (environment, drop) = try await ProcessDatabase.make(backend, folder: folder + "/data")
        try await Dylib.fixture(plugins, "migrate.so", ["FAULT_MIGRATION"])
        let (status, log) = try await Dylib.refusedStart(folder, environment)
        #expect(status == 1)
        #expect(log.contains("fixture"), "\(log)")
        #expect(log.contains("002_bad"), "\(log)")
        #expect(log.contains("rolled back") && log.contains(plugins + "/migrate.so"), "\(log)")
        let tables: [String] = try await ProcessDatabase.query(backend, environment) { sql in
            let query = backend == .sqlite ? "SELECT name FROM sqlite_master WHERE type = 'table'" : "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'"
            return try await sql.raw(SQLQueryString(query)).all().map { try $0.decode(column: "name", as: String.self) }
        }
        #expect(tables.contains("fixture_good"))
        #expect(!tables.contains("fixture_half"), "the failed migration's first statement was rolled back")
        try await drop()
    }

    /// ABI 1.2: `plinth migrate down` reverts a shared object's migration with the down SQL it
    /// registered, and names the way out for one that has none.
    @Test(arguments: TestBackend.all)
    func migrateDownRevertsWithTheDownSQLThePluginRegistered(backend: TestBackend) async throws {
        let (folder, plugins) = try Dylib.folders()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (database, drop) = try await ProcessDatabase.make(backend, folder: folder + "/data")
        let environment = database.merging(["PLINTH_PLUGINS": "fixture", "PLINTH_DATA_DIR": folder + "/data"]) { $1 }
        try await Dylib.fixture(plugins, "fixture.so", ["MIGRATIONS", "MIGRATION_DOWN"])
        let tables: @Sendable () async throws -> [String] = {
            try await ProcessDatabase.query(backend, database) { sql in
                let query = backend == .sqlite ? "SELECT name FROM sqlite_master WHERE type = 'table'" : "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'"
                return try await sql.raw(SQLQueryString(query)).all().map { try $0.decode(column: "name", as: String.self) }
            }
        }
        let up = try await PlinthProcess.run(["migrate", "up"], environment: environment, directory: folder)
        #expect(up.status == 0, "\(up.stderr)")
        #expect(try await tables().contains("fixture_items"))

        let down = try await PlinthProcess.run(["migrate", "down", "--plugin", "fixture"], environment: environment, directory: folder)
        #expect(down.status == 0, "\(down.stderr)")
        let left = try await tables()
        #expect(!left.contains("fixture_items") && left.contains("fixture_kept"), "\(left)")
        let again = try await PlinthProcess.run(["migrate", "down", "--plugin", "fixture"], environment: environment, directory: folder)
        #expect(again.status == 1)
        #expect(again.stderr.contains("'001_kept' of plugin 'fixture' has no down SQL") && again.stderr.contains("register_migration_down"), "\(again.stderr)")
        try await drop()
    }

    @Test func aHandlerThatSetsNoStatusAnswers500() async throws {
        let (folder, plugins) = try Dylib.folders()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await Dylib.fixture(plugins, "nostatus.so", ["FAULT_NO_STATUS"])
        let (server, url) = try await Dylib.serve(folder)
        defer { server.signal(SIGTERM) }
        let answer = try await httpGet(url + "/api/fixture/ok")
        #expect(answer.status == 500)
        #expect(answer.body.contains("set no status"))
        #expect(answer.headers["content-type"] == "application/problem+json")
    }

    @Test func withSkipFaultyPluginsAreLoggedAndTheRestStarts() async throws {
        let (folder, plugins) = try Dylib.folders()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await Dylib.fixture(plugins, "magic.so", ["FAULT_BAD_MAGIC", #"PLUGIN_NAME="magic""#])
        try await Dylib.fixture(plugins, "initfail.so", ["FAULT_INIT_FAILS", #"PLUGIN_NAME="initfail""#])
        try await Dylib.fixture(plugins, "auth.so", [#"PLUGIN_NAME="auth""#])
        try await Dylib.fixture(plugins, "good.so", [#"PLUGIN_NAME="good""#])
        let (server, url) = try await Dylib.serve(folder, ["PLINTH_PLUGIN_FAILURE": "skip"])
        defer { server.signal(SIGTERM) }
        #expect(try await httpGet(url + "/api/good/ok").status == 200)
        #expect(try await httpGet(url + "/api/initfail/never").status == 404)
        for line in ["bad magic", "license file /etc/fixture.lic is missing", "is skipped: its id is taken"] {
            _ = try await server.waitForLine(containing: line, timeout: 10)
        }
    }

    /// A file that cannot be loaded stops nothing it is not part of: `PLINTH_PLUGINS` leaves it
    /// out by its file name, and `plinth plugins` lists it with its error.
    @Test func aBrokenFileLeftOutOfThePluginListStopsNothing() async throws {
        let (folder, plugins) = try Dylib.folders()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await Dylib.fixture(plugins, "good.so", [#"PLUGIN_NAME="good""#])
        try await Dylib.fixture(plugins, "major.so", ["FAULT_MAJOR"])
        try await Dylib.fixture(plugins, "noentry.so", ["FAULT_NO_ENTRY"])
        let environment = ["PLINTH_DATA_DIR": folder + "/data"]

        let listed = try await PlinthProcess.run(["plugins"], environment: environment, directory: folder)
        #expect(listed.status == 0, "\(listed.stderr)")
        let rows = listed.stdout.split(separator: "\n").map(String.init)
        #expect(rows.contains { $0.hasPrefix("good ") && $0.contains(" enabled ") }, "\(listed.stdout)")
        #expect(rows.contains { $0.hasPrefix("major ") && $0.contains("broken") }, "\(listed.stdout)")
        #expect(rows.contains { $0.hasPrefix("major: ") && $0.contains("ABI version mismatch") }, "\(listed.stdout)")
        #expect(rows.contains { $0.hasPrefix("noentry: ") && $0.contains("no entry point") }, "\(listed.stdout)")

        // Every other diagnostic command too, and serve, once the list leaves them out.
        let only = environment.merging(["PLINTH_PLUGINS": "good"]) { $1 }
        for command in [["routes"], ["config"], ["openapi"], ["migrate", "status"]] {
            let run = try await PlinthProcess.run(command, environment: only, directory: folder)
            #expect(run.status == 0, "\(command): \(run.stderr)")
        }
        let (server, url) = try await Dylib.serve(folder, ["PLINTH_PLUGINS": "good"])
        defer { server.signal(SIGTERM) }
        #expect(try await httpGet(url + "/api/good/ok").status == 200)

        // Enabled, it still stops startup, with its own message and the way out.
        let (status, log) = try await Dylib.refusedStart(folder, ["PLINTH_PLUGINS": "good,major"])
        #expect(status == 1)
        #expect(log.contains("ABI version mismatch") && log.contains("PLINTH_PLUGINS can leave 'major' out"), "\(log)")
    }
}
