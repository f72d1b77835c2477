import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PlinthKernel
import PlinthTesting
import Testing

/// Declared routes through the whole kernel: the policy answers before the body is read, a body
/// or query that breaks its schema never reaches the handler, and `/openapi.json` lists every
/// route once, valid by an independent validator.
@Suite(.serialized) struct RouteDeclarationTests {
    static let owner: HTTPFields = [HTTPField.Name("x-test-role")!: "owner", .contentType: "application/json"]
    static let member: HTTPFields = [HTTPField.Name("x-test-role")!: "member", .contentType: "application/json"]

    static func object(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any])
    }

    static func pointers(_ buffer: ByteBuffer) throws -> [String: String] {
        let errors = try #require(try object(buffer)["errors"] as? [[String: String]])
        return Dictionary(errors.map { ($0["pointer"] ?? $0["parameter"] ?? "?", $0["detail"] ?? "") }, uniquingKeysWith: { a, _ in a })
    }

    static func rows(_ kernel: RunningKernel) async throws -> Int {
        try await kernel.database.sql.raw("SELECT COUNT(*) AS n FROM ledger_entries").first()?.decode(column: "n", as: Int.self) ?? -1
    }

    @Test(arguments: TestBackend.all)
    func aBodyThatBreaksTheSchemaIs422WithPointersAndNeverReachesTheHandler(backend: TestBackend) async throws {
        try await TestKernel.run(plugins: [PluginEntry(LedgerPlugin.self)], backend: backend) { kernel in
            let before = LedgerPlugin.calls.load(ordering: .relaxed)
            try await kernel.test { client in
                let bad = #"{"amount": 0, "currency": "gbp", "note": "far too long a note", "at": "yesterday", "extra": 1}"#
                try await client.execute(uri: "/api/ledger/entries", method: .post, headers: Self.owner, body: ByteBuffer(string: bad)) { response async throws in
                    #expect(response.status == .unprocessableContent)
                    #expect(response.headers[.contentType] == "application/problem+json")
                    let errors = try Self.pointers(response.body)
                    #expect(errors["/amount"] == "must be at least 1")
                    #expect(errors["/currency"] == "must be one of: eur, usd")
                    #expect(errors["/note"] == "must be at most 10 characters")
                    #expect(errors["/at"]?.hasPrefix("must be an RFC 3339 date-time") == true)
                    #expect(errors["/extra"] == "is not a known member")
                }
                try await client.execute(uri: "/api/ledger/entries", method: .post, headers: Self.owner, body: ByteBuffer(string: #"{"amount": "5"}"#)) { response async throws in
                    #expect(response.status == .unprocessableContent)
                    #expect(try Self.pointers(response.body) == ["/amount": "must be an integer, not a string", "/currency": "is required"])
                }
                try await client.execute(uri: "/api/ledger/entries", method: .post, headers: Self.owner, body: ByteBuffer(string: #"{"amount": 5,"#)) { response async throws in
                    #expect(response.status == .badRequest)
                    #expect(try Self.object(response.body)["type"] as? String == "https://plinth.dev/problems/invalid-json")
                }
                var text = Self.owner
                text[.contentType] = "text/plain"
                try await client.execute(uri: "/api/ledger/entries", method: .post, headers: text, body: ByteBuffer(string: #"{"amount": 5, "currency": "eur"}"#)) { response async throws in
                    #expect(response.status == .unsupportedMediaType)
                }
                try await client.execute(uri: "/api/ledger/entries", method: .post, headers: Self.owner) { response async throws in
                    #expect(response.status == .unprocessableContent)
                    #expect(try Self.pointers(response.body) == ["": "a JSON body is required"])
                }
            }
            #expect(LedgerPlugin.calls.load(ordering: .relaxed) == before)
            #expect(try await Self.rows(kernel) == 0)
            try await kernel.test { client in
                let good = #"{"amount": 1000, "currency": "eur", "note": "rent", "at": "2026-12-01T09:30:00.25+02:00"}"#
                try await client.execute(uri: "/api/ledger/entries", method: .post, headers: Self.owner, body: ByteBuffer(string: good)) { response async throws in
                    #expect(response.status == .created)
                    #expect(try Self.object(response.body)["count"] as? Int == 1)
                }
            }
            #expect(try await Self.rows(kernel) == 1)
        }
    }

    @Test(arguments: TestBackend.all)
    func aCallerWithoutThePermissionIs403BeforeTheBodyIsRead(backend: TestBackend) async throws {
        try await TestKernel.run(plugins: [PluginEntry(LedgerPlugin.self)], backend: backend) { kernel in
            let before = LedgerPlugin.calls.load(ordering: .relaxed)
            try await kernel.test { client in
                for body in [#"{"amount": 5, "currency": "eur"}"#, #"{"amount": -1}"#] {
                    try await client.execute(uri: "/api/ledger/entries", method: .post, headers: Self.member, body: ByteBuffer(string: body)) { response async throws in
                        #expect(response.status == .forbidden)
                        #expect(try Self.object(response.body)["permission"] as? String == "ledger.write")
                    }
                }
                try await client.execute(uri: "/api/ledger/entries", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: #"{"amount": -1}"#)) { response async throws in
                    #expect(response.status == .unauthorized)
                }
            }
            #expect(LedgerPlugin.calls.load(ordering: .relaxed) == before)
            #expect(try await Self.rows(kernel) == 0)
        }
    }

    @Test(arguments: TestBackend.all)
    func queryAndPathParametersAreCheckedBeforeTheHandler(backend: TestBackend) async throws {
        try await TestKernel.run(plugins: [PluginEntry(LedgerPlugin.self)], backend: backend) { kernel in
            try await kernel.test { client in
                for (amount, currency) in [(5, "eur"), (7, "usd"), (9, "eur")] {
                    try await client.execute(uri: "/api/ledger/entries", method: .post, headers: Self.owner, body: ByteBuffer(string: #"{"amount": \#(amount), "currency": "\#(currency)"}"#)) { response async throws in
                        #expect(response.status == .created)
                    }
                }
                let before = LedgerPlugin.calls.load(ordering: .relaxed)
                try await client.execute(uri: "/api/ledger/entries?limit=abc&currency=gbp", method: .get, headers: Self.member) { response async throws in
                    #expect(response.status == .unprocessableContent)
                    #expect(try Self.pointers(response.body) == ["limit": "must be an integer, not a string", "currency": "must be one of: eur, usd"])
                }
                try await client.execute(uri: "/api/ledger/entries?limit=11", method: .get, headers: Self.member) { response async throws in
                    #expect(try Self.pointers(response.body) == ["limit": "must be at most 10"])
                }
                try await client.execute(uri: "/api/ledger/entries/abc", method: .get, headers: Self.member) { response async throws in
                    #expect(response.status == .notFound)
                }
                #expect(LedgerPlugin.calls.load(ordering: .relaxed) == before)
                try await client.execute(uri: "/api/ledger/entries?limit=1&currency=eur", method: .get, headers: Self.member) { response async throws in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body) == "[5]")
                }
                try await client.execute(uri: "/api/ledger/entries/2", method: .get, headers: Self.member) { response async throws in
                    #expect(try Self.object(response.body)["currency"] as? String == "usd")
                }
            }
        }
    }

    @Test(arguments: TestBackend.all)
    func theDocumentListsEveryMountedRouteOnceAndIsValid(backend: TestBackend) async throws {
        try await TestKernel.run(plugins: [PluginEntry(LedgerPlugin.self)], backend: backend) { kernel in
            let table = kernel.routes
            try await kernel.test { client in
                try await client.execute(uri: "/openapi.json", method: .get) { response async throws in
                    #expect(response.status == .ok)
                    let document = try Self.object(response.body)
                    #expect(document["openapi"] as? String == "3.1.0")
                    let paths = try #require(document["paths"] as? [String: [String: Any]])
                    let listed = paths.flatMap { path, methods in methods.keys.map { $0.uppercased() + " " + path } }.sorted()
                    let mounted = table.all.map { $0.method + " " + $0.path.replacingOccurrences(of: ":id", with: "{id}") }.sorted()
                    #expect(listed == mounted)
                    #expect(Set(listed).count == listed.count)

                    let create = try #require(paths["/api/ledger/entries"]?["post"] as? [String: Any])
                    #expect(create["operationId"] as? String == "ledger.entries.create")
                    #expect(create["x-permission"] as? String == "ledger.write")
                    let schema = try #require(((create["requestBody"] as? [String: Any])?["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"] as? [String: Any]
                    #expect(schema?["additionalProperties"] as? Bool == false)
                    #expect(Set(schema?["required"] as? [String] ?? []) == ["amount", "currency"])
                    let properties = schema?["properties"] as? [String: [String: Any]]
                    #expect(properties?["amount"]?["maximum"] as? Int == 1000)
                    #expect(properties?["currency"]?["enum"] as? [String] == ["eur", "usd"])
                    #expect(properties?["at"]?["format"] as? String == "date-time")
                    let responses = try #require(create["responses"] as? [String: Any])
                    #expect(Set(responses.keys).isSuperset(of: ["201", "400", "401", "403", "413", "415", "422", "429"]))
                    #expect((create["security"] as? [[String: [String]]])?.map { $0.keys.sorted() } == [["bearerAuth"], ["apiKeyAuth"], ["csrfToken", "sessionCookie"]])
                    let health = try #require(paths["/health"]?["get"] as? [String: Any])
                    #expect((health["security"] as? [Any])?.isEmpty == true)
                }
            }
        }
    }

    struct Shapes: SaaSPlugin {
        static let manifest = PluginManifest(id: "shapes", name: "S", version: "1.0.0")
        init(context: PluginContext) throws {}
        func mount(_ routes: PluginRoutes, context: PluginContext) throws {
            try routes.add([
                Route.get("items/special", id: "shapes.special", "A literal path").handle { _, _ in "special" },
                Route.delete("items/{id}", id: "shapes.delete", "A parameter at the same place").handle { _, _ in HTTPResponse.Status.noContent },
            ], policy: .public)
        }
    }

    @Test func aMethodNotAllowedNamesTheMethodsOfTheRouteTheRouterWouldPick() async throws {
        try await TestKernel.run(plugins: [PluginEntry(Shapes.self)], backend: .sqlite) { kernel in
            try await kernel.test { client in
                // The literal `special` wins over `{id}`, so DELETE is not offered for it; HEAD is,
                // as every GET route answers it.
                try await client.execute(uri: "/shapes/items/special", method: .patch) { response async throws in
                    #expect(response.status == .methodNotAllowed)
                    #expect(response.headers[.allow] == "GET, HEAD")
                }
                try await client.execute(uri: "/shapes/items/special", method: .head) { response async throws in
                    #expect(response.status == .ok)
                    #expect(response.body.readableBytes == 0)
                    #expect(response.headers[.contentLength] == "7")
                }
                try await client.execute(uri: "/health", method: .head) { response async throws in
                    #expect(response.status == .ok)
                    #expect(response.body.readableBytes == 0)
                }
                try await client.execute(uri: "/shapes/items/7", method: .patch) { response async throws in
                    #expect(response.headers[.allow] == "DELETE")
                }
            }
        }
    }

    struct Unguarded: SaaSPlugin {
        static let manifest = PluginManifest(id: "unguarded", name: "U", version: "1.0.0")
        init(context: PluginContext) throws {}
        func mount(_ routes: PluginRoutes, context: PluginContext) throws {
            try routes.add(Route.get("open", id: "unguarded.open", "States no policy").handle { _, _ in "open" })
        }
    }

    struct Twin: SaaSPlugin {
        static let manifest = PluginManifest(id: "twin", name: "T", version: "1.0.0")
        init(context: PluginContext) throws {}
        func mount(_ routes: PluginRoutes, context: PluginContext) throws {
            try routes.add([
                Route.get("a", id: "twin.same", "One").handle { _, _ in "a" },
                Route.get("b", id: "twin.same", "Other").handle { _, _ in "b" },
            ], policy: .public)
        }
    }

    @Test func aRouteWithoutAPolicyOrWithATakenOperationIDStopsStartup() async throws {
        for (plugin, message) in [(PluginEntry(Unguarded.self), "states no policy"), (PluginEntry(Twin.self), "operation id 'twin.same'")] {
            do {
                try await TestKernel.run(plugins: [plugin], backend: .sqlite) { _ in }
                Issue.record("started with \(plugin.manifest.id)")
            } catch let error as KernelStartupError {
                #expect(error.message.contains(message), "\(error.message)")
            }
        }
    }
}
