import Foundation
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
                                     ["ABI version mismatch: host provides 1.1, plugin built for 2.1", "rebuild the plugin"], file: "major.so")
    }

    @Test func pluginMinorNewerThanHost() async throws {
        try await Self.expectRefused({ try await Dylib.fixture($0, "minor.so", ["FAULT_MINOR"]) },
                                     ["needs ABI 1.8, this Plinth provides 1.1", "upgrade Plinth"], file: "minor.so")
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
}

import SQLKit
