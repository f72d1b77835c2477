import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PlinthKernel
import PlinthTesting
import Testing

@Suite struct HTTPTests {
    static let key: HTTPFields = [HTTPField.Name("x-notes-key")!: "k", .contentType: "application/json"]

    func withNotes(_ backend: TestBackend = .sqlite, environment: [String: String] = [:], logs: LogCapture? = nil, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await TestKernel.run(plugins: [PluginEntry(NotesPlugin.self)], backend: backend, environment: environment, logs: logs) { kernel in
            try await kernel.test(body)
        }
    }

    func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any] ?? [:]
    }

    @Test(arguments: TestBackend.all)
    func pluginRoutesServeUnderTheBasePath(backend: TestBackend) async throws {
        try await withNotes(backend) { client in
            var id = ""
            try await client.execute(uri: "/api/notes", method: .post, headers: Self.key, body: ByteBuffer(string: #"{"body":"hello"}"#)) { response async throws in
                #expect(response.status == .created)
                id = try JSONDecoder().decode(NoteDTO.self, from: Data(buffer: response.body)).id
            }
            try await client.execute(uri: "/api/notes/\(id)", method: .get) { response async throws in
                #expect(try JSONDecoder().decode(NoteDTO.self, from: Data(buffer: response.body)) == NoteDTO(id: id, body: "hello"))
            }
        }
    }

    @Test func requestIDIsEchoedOrGenerated() async throws {
        try await withNotes { client in
            try await client.execute(uri: "/health", method: .get, headers: [.requestID: "abc-123_X.y"]) { response async throws in
                #expect(response.headers[.requestID] == "abc-123_X.y")
            }
            try await client.execute(uri: "/health", method: .get, headers: [.requestID: "bad id\r\nx"]) { response async throws in
                let id = try #require(response.headers[.requestID])
                #expect(id.range(of: "^[0-9a-f]{16}-[0-9a-f]{12,}$", options: .regularExpression) != nil, "\(id)")
            }
            try await client.execute(uri: "/nowhere", method: .get) { response async throws in
                #expect(response.headers[.requestID] != nil)
            }
        }
    }

    @Test func unknownPathIs404ProblemJSON() async throws {
        try await withNotes { client in
            try await client.execute(uri: "/api/nothing", method: .get, headers: [.requestID: "r1"]) { response async throws in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
                let body = try json(response.body)
                #expect(body["type"] as? String == "https://plinth.dev/problems/not-found")
                #expect(body["status"] as? Int == 404)
                #expect(body["instance"] as? String == "/api/nothing")
                #expect(body["requestId"] as? String == "r1")
            }
        }
    }

    @Test func wrongMethodIs405WithAllow() async throws {
        try await withNotes { client in
            try await client.execute(uri: "/api/notes/some-id", method: .put) { response async throws in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET, HEAD")
                #expect(try json(response.body)["type"] as? String == "https://plinth.dev/problems/method-not-allowed")
            }
            // A handler's own 404 stays a 404.
            try await client.execute(uri: "/api/notes/missing", method: .get) { response async throws in
                #expect(response.status == .notFound)
                #expect(try json(response.body)["detail"] as? String == "no note missing")
            }
        }
    }

    @Test func oversizedBodyIs413() async throws {
        try await withNotes(environment: ["PLINTH_MAX_BODY_SIZE": "1kb"]) { client in
            let big = #"{"body":""# + String(repeating: "x", count: 4096) + #""}"#
            try await client.execute(uri: "/api/notes", method: .post, headers: Self.key, body: ByteBuffer(string: big)) { response async throws in
                #expect(response.status == .contentTooLarge)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(try json(response.body)["detail"] as? String == "the request body is larger than the 1024-byte limit (PLINTH_MAX_BODY_SIZE)")
            }
        }
    }

    @Test func invalidInputIs422() async throws {
        try await withNotes { client in
            try await client.execute(uri: "/api/notes", method: .post, headers: Self.key, body: ByteBuffer(string: #"{"text":"wrong field"}"#)) { response async throws in
                #expect(response.status == .unprocessableContent)
                #expect(try json(response.body)["type"] as? String == "https://plinth.dev/problems/validation")
            }
            try await client.execute(uri: "/api/notes", method: .post, headers: Self.key, body: ByteBuffer(string: #"{"body":""}"#)) { response async throws in
                #expect(response.status == .unprocessableContent)
                let body = try json(response.body)
                #expect(body["field"] as? String == "body")
                #expect(body["detail"] as? String == "body must be 1-280 characters")
            }
        }
    }

    @Test func unexpectedErrorIs500WithoutInternals() async throws {
        let logs = LogCapture()
        try await withNotes(logs: logs) { client in
            try await client.execute(uri: "/api/notes/boom", method: .get) { response async throws in
                #expect(response.status == .internalServerError)
                let text = String(buffer: response.body)
                #expect(!text.contains("secret-internal-detail"))
                #expect(try json(response.body)["type"] as? String == "https://plinth.dev/problems/internal")
            }
        }
        // The detail goes to the log, with the request id, for operators.
        #expect(!logs.lines(containing: "unhandled error", "secret-internal-detail", "request_id=").isEmpty)
    }

    @Test func pluginMiddlewareIsScopedToItsRoutes() async throws {
        try await withNotes { client in
            try await client.execute(uri: "/api/notes", method: .post, body: ByteBuffer(string: #"{"body":"x"}"#)) { response async throws in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/api/notes", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test func corsAllowsConfiguredOriginsOnly() async throws {
        try await withNotes(environment: ["PLINTH_CORS_ORIGINS": "https://app.example.com"]) { client in
            try await client.execute(uri: "/api/notes", method: .options, headers: [.origin: "https://app.example.com", .accessControlRequestMethod: "POST"]) { response async throws in
                #expect(response.status == .noContent)
                #expect(response.headers[.accessControlAllowOrigin] == "https://app.example.com")
                #expect(response.headers[.accessControlAllowMethods]?.contains("POST") == true)
                #expect(response.headers[.accessControlAllowCredentials] == "true")
            }
            try await client.execute(uri: "/api/notes", method: .get, headers: [.origin: "https://evil.example.com"]) { response async throws in
                #expect(response.headers[.accessControlAllowOrigin] == nil)
            }
        }
    }

    @Test func invalidTenantHeaderIs400() async throws {
        try await withNotes { client in
            try await client.execute(uri: "/api/notes", method: .get, headers: [.tenantID: "../etc"]) { response async throws in
                #expect(response.status == .badRequest)
                #expect(try json(response.body)["type"] as? String == "https://plinth.dev/problems/invalid-tenant")
            }
        }
    }

    @Test(arguments: TestBackend.all)
    func readyReportsEachPluginAndFailsWith503(backend: TestBackend) async throws {
        // /ready must not time out on a machine busy with other tests.
        let patient = ["PLINTH_HEALTH_TIMEOUT": "30"]
        try await withNotes(backend, environment: patient) { client in
            try await client.execute(uri: "/ready", method: .get) { response async throws in
                #expect(response.status == .ok)
                let body = try json(response.body)
                #expect((body["plugins"] as? [String: Any])?["notes"] as? [String: Bool] == ["healthy": true])
            }
        }
        try await withNotes(backend, environment: patient.merging(["PLINTH_NOTES_HEALTHY": "false"]) { $1 }) { client in
            try await client.execute(uri: "/ready", method: .get) { response async throws in
                #expect(response.status == .serviceUnavailable)
                let body = try json(response.body)
                #expect(body["status"] as? String == "unavailable")
                let notes = (body["plugins"] as? [String: Any])?["notes"] as? [String: Any]
                #expect(notes?["healthy"] as? Bool == false)
                #expect(notes?["detail"] as? String == "notes store is read-only")
                #expect((body["database"] as? [String: Any])?["healthy"] as? Bool == true)
            }
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test func slowHealthCheckTimesOut() async throws {
        struct Slow: SaaSPlugin {
            static let manifest = PluginManifest(id: "slow", name: "S", version: "1.0.0")
            init(context: PluginContext) throws {}
            func health(_ context: PluginContext) async -> PluginHealth {
                try? await Task.sleep(for: .seconds(10))
                return .healthy
            }
        }
        try await TestKernel.run(plugins: [PluginEntry(Slow.self)], backend: .sqlite, environment: ["PLINTH_HEALTH_TIMEOUT": "200ms"]) { kernel in
            try await kernel.test { client in
                try await client.execute(uri: "/ready", method: .get) { response async throws in
                    #expect(response.status == .serviceUnavailable)
                    #expect(String(buffer: response.body).contains("no answer within 0.2 s"))
                }
            }
        }
    }

    @Test func metricsCountRequestsByPluginRouteAndStatus() async throws {
        try await withNotes { client in
            try await client.execute(uri: "/api/notes", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/notes/nope", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/metrics", method: .get) { response async throws in
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                let text = String(buffer: response.body)
                #expect(text.contains(#"plinth_http_requests_total{plugin="notes",method="GET",route="/api/notes",status="200"} 1"#))
                #expect(text.contains(#"plinth_http_requests_total{plugin="notes",method="GET",route="/api/notes/{id}",status="404"} 1"#) || text.contains(#"route="/api/notes/:id",status="404"} 1"#))
                #expect(text.contains("plinth_http_request_duration_seconds_bucket"))
                #expect(text.contains(#"plinth_db_pool_connections_max_count{backend="sqlite"} 1"#))
                #expect(text.contains(#"plinth_migrations_applied_total{plugin="notes"} 1"#))
            }
        }
    }

    @Test func liveServerOverLoopback() async throws {
        try await TestKernel.run(plugins: [PluginEntry(NotesPlugin.self)], backend: .sqlite) { kernel in
            try await kernel.testLive { client in
                try await client.execute(uri: "/health", method: .get) { response async throws in
                    #expect(response.status == .ok)
                    #expect(response.headers[.requestID] != nil)
                }
            }
        }
    }
}

extension HTTPTests {
    struct Tagged: SaaSPlugin {
        static let manifest = PluginManifest(id: "tagged", name: "T", version: "1.0.0")
        init(context: PluginContext) throws {}
        func mount(_ routes: PluginRoutes, context: PluginContext) throws {
            try routes.add(Route.get("plain", id: "test.11", "test route").requires(.public).handle { _, ctx in
                ctx.logger.info("handled")
                return ctx.pluginID
            })
            routes.add(middleware: RequireHeaderMiddleware(name: "x-key"))
            try routes.add(Route.get("guarded", id: "test.12", "test route").requires(.public).handle { _, ctx in ctx.pluginID })
        }
    }

    @Test func requestsAndTheirLogLinesAreTaggedWithThePlugin() async throws {
        let logs = LogCapture()
        try await TestKernel.run(plugins: [PluginEntry(Tagged.self)], backend: .sqlite, logs: logs) { kernel in
            try await kernel.test { client in
                try await client.execute(uri: "/tagged/plain", method: .get, headers: [.requestID: "tag-1"]) { #expect(String(buffer: $0.body) == "tagged") }
                try await client.execute(uri: "/tagged/guarded", method: .get, headers: [HTTPField.Name("x-key")!: "1"]) { #expect(String(buffer: $0.body) == "tagged") }
            }
        }
        #expect(logs.lines(containing: "handled", "plugin=tagged", "request_id=tag-1").count == 1)
    }
}

extension HTTPTests {
    @Test func readyIs503WhenTheDatabaseDoesNotAnswer() async throws {
        try await TestKernel.run(plugins: [PluginEntry(NotesPlugin.self)], backend: .sqlite, environment: ["PLINTH_HEALTH_TIMEOUT": "200ms"]) { kernel in
            let database = kernel.database
            let release = AsyncStream<Void>.makeStream()
            let holding = AsyncStream<Void>.makeStream()
            // A long write transaction holds SQLite's only connection, as a stuck database would.
            let holder = Task {
                try await database.transaction { _ in
                    holding.continuation.yield()
                    for await _ in release.stream { break }
                }
            }
            for await _ in holding.stream { break }
            try await kernel.test { client in
                try await client.execute(uri: "/ready", method: .get) { response async throws in
                    #expect(response.status == .serviceUnavailable)
                    let body = try json(response.body)
                    let db = body["database"] as? [String: Any]
                    #expect(db?["healthy"] as? Bool == false)
                    #expect(db?["detail"] as? String == "no answer within 0.2 s")
                }
                try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
            }
            release.continuation.yield()
            try await holder.value
        }
    }
}
