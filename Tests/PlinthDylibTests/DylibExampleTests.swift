import Foundation
import PlinthTesting
import SQLKit
import Testing

/// The two example plugins (C with `cc`, Swift with the SDK) in a real `plinth serve`.
@Suite(.serialized) struct DylibExampleTests {
    /// The Swift example, built by `swift build` beside the `plinth` binary.
    static var swiftExample: String { PlinthProcess.sibling("libPlinthGreeterSwift.so") }

    @Test(arguments: TestBackend.all)
    func bothExamplesMigrateBootAndServeTheirRoutes(backend: TestBackend) async throws {
        let (folder, plugins) = try Dylib.folders()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await Dylib.compile([Dylib.root + "/Plugins/Examples/GreeterC/greeter.c"], to: plugins + "/greeter_c.so")
        try FileManager.default.copyItem(atPath: Self.swiftExample, toPath: plugins + "/greeter_swift.so")
        let (environment, drop) = try await ProcessDatabase.make(backend, folder: folder + "/data")
        let settings = environment.merging(["PLINTH_GREETER_SWIFT_SALUTATION": "howdy"]) { $1 }

        let listed = try await PlinthProcess.run(["plugins"], environment: settings.merging(["PLINTH_PLUGIN_DIR": plugins]) { $1 }, directory: folder)
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains("greeter_c") && listed.stdout.contains(plugins + "/greeter_c.so"), "\(listed.stdout)")
        #expect(listed.stdout.contains("greeter_swift"))

        let (server, url) = try await Dylib.serve(folder, settings)
        #expect(try await httpGet(url + "/api/greeter_c/greet/ann").body == "hello ann (visit 1)")
        let again = try await httpGet(url + "/api/greeter_c/greet/ann")
        #expect(again.body == "hello ann (visit 2)")
        #expect(again.headers["content-type"] == "text/plain; charset=utf-8")
        #expect(try await httpGet(url + "/api/greeter_c/greet/bob").body == "hello bob (visit 1)")
        #expect(try await httpGet(url + "/api/greeter_swift/greet/ann").body == "howdy ann (visit 1)")
        #expect(try await httpGet(url + "/api/greeter_swift/greet/ann").body == "howdy ann (visit 2)")
        _ = try await server.waitForLine(containing: "greeter_c is ready", timeout: 10)
        _ = try await server.waitForLine(containing: "greeter_swift is ready", timeout: 10)
        // Requests, logs and metrics are labelled with the plugin.
        let metrics = try await httpGet(url + "/metrics").body
        #expect(metrics.contains(#"plugin="greeter_c""#))
        _ = try await server.waitForLine(containing: "plugin=greeter_swift", timeout: 10)
        let ready = try await httpGet(url + "/ready")
        #expect(ready.status == 200)
        #expect(ready.body.contains("greeter_c"))
        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)

        let counts: [String: Int] = try await ProcessDatabase.query(backend, settings) { sql in
            var counts: [String: Int] = [:]
            for table in ["greeter_c_boots", "greeter_swift_boots", "greeter_c_visits"] {
                counts[table] = try await sql.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first()?.decode(column: "n", as: Int.self)
            }
            return counts
        }
        #expect(counts == ["greeter_c_boots": 1, "greeter_swift_boots": 1, "greeter_c_visits": 3])
        let routes = try await PlinthProcess.run(["routes"], environment: settings, directory: folder)
        #expect(routes.stdout.contains("/api/greeter_c/greet/:name"), "\(routes.stdout)")
        try await drop()
    }

    /// db_query runs inside the caller's verified tenant (row level security reads it).
    @Test(arguments: TestBackend.postgresOnly)
    func queriesRunInTheCallersTenant(backend: TestBackend) async throws {
        let (folder, plugins) = try Dylib.folders()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await Dylib.fixture(plugins, "tenant.so", ["TENANT"])
        let (environment, drop) = try await ProcessDatabase.make(backend, folder: folder + "/data")
        let (server, url) = try await Dylib.serve(folder, environment)
        #expect(try await httpGet(url + "/api/fixture/tenant").body == "")
        let json = ["content-type": "application/json"]
        _ = try await httpPost(url + "/api/auth/register", body: #"{"email":"ann@example.com","password":"correct horse battery"}"#, headers: json)
        try await MailOutbox(dataDirectory: folder + "/data").verify("ann@example.com", at: url)
        let login = try await httpPost(url + "/api/auth/login", body: #"{"email":"ann@example.com","password":"correct horse battery"}"#, headers: json)
        let token = try #require((try JSONSerialization.jsonObject(with: Data(login.body.utf8)) as? [String: Any])?["accessToken"] as? String)
        let bearer = ["authorization": "Bearer \(token)"]
        let created = try await httpPost(url + "/api/tenants", body: #"{"name":"Acme"}"#, headers: json.merging(bearer) { $1 })
        let tenant = try #require((try JSONSerialization.jsonObject(with: Data(created.body.utf8)) as? [String: Any])?["tenant"] as? String)
        #expect(try await httpGet(url + "/api/fixture/tenant", headers: bearer.merging(["x-tenant-id": tenant]) { $1 }).body == tenant)
        // A tenant the caller does not belong to never reaches the plugin.
        #expect(try await httpGet(url + "/api/fixture/tenant", headers: bearer.merging(["x-tenant-id": "someone-else"]) { $1 }).status == 403)
        server.signal(SIGTERM)
        _ = try await server.waitForExit()
        try await drop()
    }

    @Test func inlineHandlersAnswerButMayNotBlock() async throws {
        let (folder, plugins) = try Dylib.folders()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await Dylib.fixture(plugins, "inline.so", ["INLINE"])
        let (server, url) = try await Dylib.serve(folder)
        defer { server.signal(SIGTERM) }
        let ok = try await httpGet(url + "/api/fixture/ok")
        #expect(ok.status == 200)
        #expect(ok.body == "ok")
        #expect(try await httpGet(url + "/api/fixture/query").status == 500)
        _ = try await server.waitForLine(containing: "declared PLINTH_PLUGIN_INLINE_HANDLERS, so its handlers may not call db_query", timeout: 10)
    }

    @Test(arguments: [false, true])
    func aPluginNotFlaggedThreadSafeIsCalledOneRequestAtATime(threadSafe: Bool) async throws {
        let (folder, plugins) = try Dylib.folders()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await Dylib.fixture(plugins, "slow.so", ["CONCURRENCY"] + (threadSafe ? ["THREAD_SAFE"] : []))
        let (server, url) = try await Dylib.serve(folder)
        defer { server.signal(SIGTERM) }
        let most = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<6 { group.addTask { Int(try await httpGet(url + "/api/fixture/slow").body) ?? 0 } }
            return try await group.reduce(0) { max($0, $1) }
        }
        if threadSafe { #expect(most > 1) } else { #expect(most == 1) }
    }
}
