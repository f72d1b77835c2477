import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PlinthKernel
import PlinthTesting
import SQLKit
import Testing

/// The `plinth` executable as a user runs it.
@Suite(.serialized) struct ProcessTests {
    /// The rows of a printed table, each split into its columns.
    static func rows(_ table: String) -> [[String]] {
        table.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
    }

    /// Whether a printed table has a row starting with `columns`.
    static func has(_ table: String, _ columns: [String]) -> Bool {
        rows(table).contains { Array($0.prefix(columns.count)) == columns }
    }

    @Test func commandsWorkOnAFreshFolder() async throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }

        let version = try await PlinthProcess.run(["version"], directory: dir)
        #expect(version.status == 0 && version.stdout.hasPrefix("plinth \(Kernel.version) (kernel API 1.1.0)"))

        let plugins = try await PlinthProcess.run(["plugins"], directory: dir)
        #expect(plugins.status == 0)

        let status = try await PlinthProcess.run(["migrate", "status"], directory: dir)
        #expect(status.status == 0)
        #expect(Self.has(status.stdout, ["kernel", "001_sessions", "pending"]), "\(status.stdout)")

        let plan = try await PlinthProcess.run(["migrate", "plan", "--json"], directory: dir)
        let planned = try JSONDecoder().decode([MigrationStatus].self, from: Data(plan.stdout.utf8))
        // The kernel's migrations come first, then those of the compiled-in plugins.
        #expect(Array(planned.prefix(2)).map { "\($0.plugin) \($0.name)" } == ["kernel 001_sessions", "kernel 002_audit_log"])
        #expect(planned.contains { $0.plugin == "storage" })

        let up = try await PlinthProcess.run(["migrate", "up"], directory: dir)
        #expect(up.status == 0 && up.stdout.contains("applied"))
        #expect(FileManager.default.fileExists(atPath: dir + "/data/plinth.sqlite"))
        let again = try await PlinthProcess.run(["migrate", "up"], directory: dir)
        #expect(again.stdout.contains("nothing to apply"))

        let down = try await PlinthProcess.run(["migrate", "down", "--plugin", "kernel"], directory: dir)
        #expect(down.status == 0 && down.stdout.contains("004_socket_tickets") && down.stdout.contains("reverted"))

        let routes = try await PlinthProcess.run(["routes"], directory: dir)
        #expect(routes.status == 0)
        for route in [["GET", "/health", "kernel"], ["GET", "/metrics", "kernel"], ["GET", "/ready", "kernel"], ["PUT", "/api/storage/objects/**", "storage"]] {
            #expect(Self.has(routes.stdout, route), "\(routes.stdout)")
        }

        let config = try await PlinthProcess.run(["config"], environment: ["DATABASE_URL": "postgres://u:topsecret@127.0.0.1:1/x"], directory: dir)
        #expect(config.status == 0 && config.stdout.contains("DATABASE_URL") && !config.stdout.contains("topsecret"))

        for command in ["serve", "migrate", "plugins", "routes", "config", "version"] {
            let help = try await PlinthProcess.run([command, "--help"], directory: dir)
            #expect(help.status == 0 && help.stdout.contains("USAGE"), "\(command) --help")
        }
    }

    @Test func failuresPrintOneLineAndExitNonZero() async throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let badPort = try await PlinthProcess.run(["serve"], environment: ["PORT": "eighty"], directory: dir)
        #expect(badPort.status == 1)
        #expect(badPort.stderr == "plinth: configuration error: PORT must be a whole number between 0 and 65535, not 'eighty'\n")

        let badPlugin = try await PlinthProcess.run(["plugins"], environment: ["PLINTH_PLUGINS": "ghost"], directory: dir)
        #expect(badPlugin.status == 1 && badPlugin.stderr.hasPrefix("plinth: configuration error: PLINTH_PLUGINS names 'ghost'"))

        let unreachable = try await PlinthProcess.run(["migrate", "status"], environment: ["DATABASE_URL": "postgres://u@127.0.0.1:1/x?sslmode=disable"], directory: dir)
        #expect(unreachable.status == 1 && unreachable.stderr.hasPrefix("plinth: cannot connect to PostgreSQL"))
        #expect(unreachable.stderr.split(separator: "\n").count == 1)

        let badAction = try await PlinthProcess.run(["migrate", "sideways"], directory: dir)
        #expect(badAction.status != 0)
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func serveAnswersThenStopsCleanlyOnSignal(signal: Int32) async throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let server = try PlinthProcess(["serve"], environment: ["PORT": "0"], directory: dir)
        let url = try await server.waitUntilListening()
        let health = try await httpGet(url + "/health")
        #expect(health.status == 200 && health.headers["x-request-id"] != nil)
        #expect(try await httpGet(url + "/ready").status == 200)
        let metrics = try await httpGet(url + "/metrics")
        #expect(metrics.status == 200 && metrics.body.contains("plinth_http_requests_total"))
        #expect(try await httpGet(url + "/missing").status == 404)
        server.signal(signal)
        #expect(try await server.waitForExit() == 0)
        #expect(server.log.contains("stopped serving; shutting plugins down"))
    }

    @Test(arguments: TestBackend.postgresOnly)
    func threeInstancesStartedTogetherMigrateOnce(backend: TestBackend) async throws {
        guard case .postgres(let baseURL) = backend else { return }
        let name = "plinth_three_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10).lowercased()
        try await TestKernel.run(plugins: [], backend: backend, options: .init(migrate: false, boot: false, mount: false)) { admin in
            try await admin.database.sql.raw("CREATE DATABASE \(ident: name)").run()
        }
        var components = URLComponents(string: baseURL)!
        components.path = "/" + name
        let url = components.string!
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }

        let servers = try (0..<3).map { _ in try PlinthProcess(["serve"], environment: ["PORT": "0", "DATABASE_URL": url], directory: dir) }
        for server in servers { _ = try await server.waitUntilListening() }
        let appliedLines = servers.map { $0.log.components(separatedBy: "applied migration").count - 1 }
        for server in servers { server.signal(SIGTERM) }
        for server in servers { #expect(try await server.waitForExit() == 0) }

        let rows = try await PlinthProcess.run(["migrate", "status", "--json"], environment: ["DATABASE_URL": url], directory: dir)
        let status = try JSONDecoder().decode([MigrationStatus].self, from: Data(rows.stdout.utf8))
        #expect(status.count >= 3 && status.allSatisfy { $0.state == .applied })
        #expect(appliedLines.reduce(0, +) == status.count, "each migration is applied by exactly one process: \(appliedLines)")
        try await TestKernel.run(plugins: [], backend: backend, options: .init(migrate: false, boot: false, mount: false)) { admin in
            try await admin.database.sql.raw("DROP DATABASE \(ident: name)").run()
        }
    }
}
