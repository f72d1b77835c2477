import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PlinthKernel
import PlinthTesting
import SQLKit
import Testing

// The code of the kernel's DocC articles (Sources/PlinthKernel/PlinthKernel.docc): each
// `// doc:` region below is quoted there verbatim, which DocExamplesTests checks, and runs.

// doc: lifecycle
/// What `provide` builds; the kernel hands it to `mount`, `boot` and `shutdown`.
struct NoteStore: Sendable {
    let database: Database
    let secrets: SecretStore
    let channels: Channels

    func add(_ body: String, tenant: String) async throws -> String {
        let id = UUID().uuidString.lowercased()
        try await database.sql.raw("INSERT INTO docnotes_items (id, tenant, body) VALUES (\(bind: id), \(bind: tenant), \(bind: body))").run()
        return id
    }
}

struct DocNotesPlugin: SaaSPlugin {
    static let manifest = PluginManifest(id: "docnotes", name: "Notes", version: "1.0.0", basePath: "/api/docnotes")
    init(context: PluginContext) throws {}

    var migrations: [Migration] {
        [Migration("001_items", up: ["CREATE TABLE docnotes_items (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, body TEXT NOT NULL)",
                                     "CREATE TABLE docnotes_tokens (name TEXT PRIMARY KEY, value TEXT NOT NULL)"],
                   down: ["DROP TABLE docnotes_items", "DROP TABLE docnotes_tokens"])]
    }

    // Step 5: wire things together, no database access; return what the later steps need.
    func provide(_ context: PluginContext) async throws -> NoteStore {
        try context.declareChannel("tenant:{tenant}:notes", policy: .permission("docnotes.read"))
        try context.declarePermission("docnotes.read", "read the tenant's notes", roles: ["owner", "admin", "member"])
        context.secrets.declare(DocNotesPlugin.tokens)
        return NoteStore(database: context.database, secrets: context.secrets, channels: context.channels)
    }

    func mount(_ routes: PluginRoutes, provided store: NoteStore, context: PluginContext) throws {
        try routes.add(DocNotesPlugin.routes(store))
    }
}
// doc: end

// doc: secrets
extension DocNotesPlugin {
    /// Where the plugin keeps a provider's token, sealed; `plinth secrets reseal` finds it.
    static let tokens = SealedColumn(plugin: "docnotes", table: "docnotes_tokens", key: "name", value: "value")
}

extension NoteStore {
    func keep(token: String, named name: String) async throws {
        let sealed = try secrets.seal(token, for: DocNotesPlugin.tokens.owner(name))
        try await database.sql.raw("INSERT INTO docnotes_tokens (name, value) VALUES (\(bind: name), \(bind: sealed))").run()
    }

    func token(named name: String) async throws -> String? {
        guard let sealed = try await database.sql.raw("SELECT value FROM docnotes_tokens WHERE name = \(bind: name)").first()?.decode(column: "value", as: String.self) else { return nil }
        return try secrets.openString(sealed, for: DocNotesPlugin.tokens.owner(name))
    }
}
// doc: end

// doc: realtime
extension DocNotesPlugin {
    static func tenantOf(_ context: PlinthRequestContext) throws -> String {
        guard let tenant = context.tenantID else { throw Problem(.badRequest, detail: "send X-Tenant-ID") }
        return tenant
    }

    static func routes(_ store: NoteStore) -> [Route] {
        [
            Route.post("", id: "docnotes.add", "Add a note")
                .requires(.permission("docnotes.read"))
                .rawBody("text/plain", schema: .string)
                .responds(.created, schema: .string, contentType: "text/plain")
                .handle { input, context in
                    let tenant = try tenantOf(context)
                    let body = String(buffer: try await input.request.body.collect(upTo: 4096))
                    let id = try await store.add(body, tenant: tenant)
                    try await store.channels.publish("note.added", payload: .object(["id": .string(id), "body": .string(body)]), to: "tenant:\(tenant):notes")
                    return Response(status: .created, body: ResponseBody(byteBuffer: ByteBuffer(string: id)))
                },
            Route.get("events", id: "docnotes.events", "New notes as Server-Sent Events")
                .requires(.permission("docnotes.read"))
                .streams(.ok, .serverSentEvents)
                .handle { input, context in
                    try await ServerSentEvents.stream(channel: "tenant:\(try tenantOf(context)):notes", channels: store.channels, request: input.request, context: context)
                },
        ]
    }
}
// doc: end

// doc: realtime-socket
extension DocNotesPlugin {
    static var echo: Route {
        Route.get("echo", id: "docnotes.echo", "Echoes each text message")
            .requires(.signedIn)
            .webSocket { socket in
                for try await message in socket.messages {
                    if case .text(let text) = message { try await socket.send(text) }
                }
            }
    }
}
// doc: end

// doc: writing-plugin
/// The service the plugin offers to others, and what its routes use.
struct DocTaskList: Sendable {
    let database: Database

    func add(_ title: String, tenant: String) async throws -> String {
        let id = UUID().uuidString.lowercased()
        try await database.sql.raw("INSERT INTO doctasks_items (id, tenant, title) VALUES (\(bind: id), \(bind: tenant), \(bind: title))").run()
        return id
    }

    func title(of id: String, tenant: String) async throws -> String? {
        try await database.sql.raw("SELECT title FROM doctasks_items WHERE id = \(bind: id) AND tenant = \(bind: tenant)")
            .first()?.decode(column: "title", as: String.self)
    }
}

/// Published on the kernel's event bus for every new task.
struct DocTaskAdded: KernelEvent {
    static let name = "doctasks.task.added"
    var id: String
    var tenant: String
}

struct DocTasksPlugin: SaaSPlugin {
    static let manifest = PluginManifest(
        id: "doctasks", name: "Tasks", version: "1.0.0",
        kernelAPI: "^1.0.0", basePath: "/api/doctasks"
    )

    // Step 3, configure: read settings; a bad value stops start-up naming the key.
    let maxTitle: Int
    init(context: PluginContext) throws {
        maxTitle = try context.config.int("MAX_TITLE", default: 200, range: 1...10_000) // PLINTH_DOCTASKS_MAX_TITLE
    }

    // Step 4, migrate: named, ordered, checksummed; the tables carry the plugin's id.
    var migrations: [Migration] {
        [Migration("001_items",
                   up: ["CREATE TABLE doctasks_items (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, title TEXT NOT NULL)"],
                   down: ["DROP TABLE doctasks_items"])]
    }

    // Step 5, provide: declare permissions, offer the service, return what mount needs.
    func provide(_ context: PluginContext) async throws -> DocTaskList {
        try context.declarePermission("doctasks.read", "see the tenant's tasks", roles: ["owner", "admin", "member"])
        try context.declarePermission("doctasks.write", "add tasks to the tenant", roles: ["owner", "admin"])
        let tasks = DocTaskList(database: context.database)
        try context.provide(DocTaskList.self, tasks)
        return tasks
    }

    struct NewTask: Decodable, Sendable {
        var title: String
    }

    struct Created: ResponseCodable, Sendable {
        var id: String
    }

    struct TaskView: ResponseCodable, Sendable {
        var id: String
        var title: String
    }

    // Step 6, mount: routes are values, each with its policy beside it.
    func mount(_ routes: PluginRoutes, provided tasks: DocTaskList, context: PluginContext) throws {
        let (plugin, maxTitle) = (context, self.maxTitle)
        try routes.add([
            Route.post("tasks", id: "doctasks.create", "Add a task")
                .requires(.permission("doctasks.write"))
                .body(NewTask.self) { schema in
                    schema["title"]?.length(1...maxTitle)
                    schema["title"]?.boundedBy(setting: "PLINTH_DOCTASKS_MAX_TITLE")
                }
                .responds(.created, Created.self)
                .link(.created, "GetTask", to: "doctasks.get", parameters: ["id": "$response.body#/id"])
                .handle { input, context in
                    guard let tenant = context.tenantID else { throw Problem(.badRequest, detail: "send X-Tenant-ID") }
                    let id = try await tasks.add(input.body.title, tenant: tenant)
                    try await plugin.publish(DocTaskAdded(id: id, tenant: tenant))
                    return EditedResponse(status: .created, response: Created(id: id))
                },
            Route.get("tasks/{id}", id: "doctasks.get", "A task")
                .requires(.permission("doctasks.read"))
                .responds(.ok, TaskView.self)
                .problems(.notFound)
                .handle { _, context in
                    let id = try context.parameters.require("id")
                    guard let tenant = context.tenantID, let title = try await tasks.title(of: id, tenant: tenant) else {
                        throw Problem(.notFound, detail: "no task \(id)")
                    }
                    return TaskView(id: id, title: title)
                },
        ])
    }
}
// doc: end

// doc: writing-plugin-dependency
/// A plugin that uses the tasks service. Naming `doctasks` as a dependency orders it after that
/// plugin in every step, and lets `require` find the service.
struct DocDigestPlugin: SaaSPlugin {
    static let manifest = PluginManifest(id: "docdigest", name: "Digest", version: "1.0.0",
                                         dependencies: ["doctasks": "^1.0.0"], basePath: "/api/docdigest")
    init(context: PluginContext) throws {}

    func provide(_ context: PluginContext) async throws -> DocTaskList {
        try context.require(DocTaskList.self)
    }

    // Step 7, boot: subscribe to events, start background services.
    func boot(_ tasks: DocTaskList, context: PluginContext) async throws {
        context.events.on(DocTaskAdded.self, plugin: context.id) { added in
            context.logger.info("task added", metadata: ["task": "\(added.id)", "tenant": "\(added.tenant)"])
        }
    }
}
// doc: end

// doc: writing-plugin-test
@Test(arguments: TestBackend.all)
func docTasksKeepsEachTenantsTasks(backend: TestBackend) async throws {
    try await TestKernel.run(plugins: [PluginEntry(DocTasksPlugin.self), PluginEntry(DocDigestPlugin.self)], backend: backend) { kernel in
        try await kernel.test { client in
            let json: HTTPFields = [.contentType: "application/json", .tenantID: "acme"]
            let id = try await client.execute(uri: "/api/doctasks/tasks", method: .post, headers: json, body: ByteBuffer(string: #"{"title": "buy milk"}"#)) { response in
                try JSONDecoder().decode(DocTasksPlugin.Created.self, from: Data(String(buffer: response.body).utf8)).id
            }
            try await client.execute(uri: "/api/doctasks/tasks/\(id)", method: .get, headers: [.tenantID: "acme"]) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/doctasks/tasks/\(id)", method: .get, headers: [.tenantID: "globex"]) { response in
                #expect(response.status == .notFound)
            }
        }
        let rows = try await kernel.database.sql.raw("SELECT COUNT(*) AS n FROM doctasks_items").first()?.decode(column: "n", as: Int.self)
        #expect(rows == 1)
    }
}
// doc: end

// doc: testing-settings
@Test func docTasksTakesItsTitleLimitFromTheEnvironment() async throws {
    try await TestKernel.run(plugins: [PluginEntry(DocTasksPlugin.self)], backend: .sqlite,
                             environment: ["PLINTH_DOCTASKS_MAX_TITLE": "3"]) { kernel in
        try await kernel.test { client in
            let json: HTTPFields = [.contentType: "application/json", .tenantID: "acme"]
            try await client.execute(uri: "/api/doctasks/tasks", method: .post, headers: json, body: ByteBuffer(string: #"{"title": "four"}"#)) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("PLINTH_DOCTASKS_MAX_TITLE"))
            }
        }
    }
}
// doc: end

// doc: configuration
/// A plugin's settings, read once in step 3 from its section `PLINTH_DOCMAIL_*`.
struct DocMailSettings: Sendable {
    /// `PLINTH_DOCMAIL_SENDER`. Default `no-reply@localhost`.
    var sender = "no-reply@localhost"
    /// `PLINTH_DOCMAIL_BATCH`: messages per round, 1-500. Default 50.
    var batch = 50
    /// `PLINTH_DOCMAIL_INTERVAL` in seconds (`90`, `500ms`, `15m`, `1h`). Default 60.
    var interval = 60.0
    /// `PLINTH_DOCMAIL_ENABLED`. Default true.
    var enabled = true
    /// `SMTP_PASS`: a shared setting, read by its full name and never shown.
    var password: String?

    static func load(_ config: PluginConfig) throws -> DocMailSettings {
        var s = DocMailSettings()
        s.sender = config.string("SENDER") ?? s.sender
        guard s.sender.contains("@") else {
            throw ConfigurationError(key: config.key("SENDER"), reason: "must be an email address, not '\(s.sender)'")
        }
        s.batch = try config.int("BATCH", default: s.batch, range: 1...500)
        s.interval = try config.seconds("INTERVAL", default: s.interval, minimum: 1)
        s.enabled = try config.bool("ENABLED", default: s.enabled)
        s.password = config.environment.string("SMTP_PASS", secret: true)
        return s
    }
}
// doc: end

@Test func docMailSettingsReadTheirSection() throws {
    let config = PluginConfig(pluginID: "docmail", environment: .values(["PLINTH_DOCMAIL_BATCH": "10", "PLINTH_DOCMAIL_INTERVAL": "2m"]))
    let settings = try DocMailSettings.load(config)
    #expect(settings.batch == 10 && settings.interval == 120 && settings.sender == "no-reply@localhost" && settings.enabled)
    #expect(throws: ConfigurationError.self) { try DocMailSettings.load(PluginConfig(pluginID: "docmail", environment: .values(["PLINTH_DOCMAIL_BATCH": "0"]))) }
    #expect(throws: ConfigurationError.self) { try DocMailSettings.load(PluginConfig(pluginID: "docmail", environment: .values(["PLINTH_DOCMAIL_SENDER": "nobody"]))) }
}

// doc: http-conventions
/// Routes that lean on the kernel's conventions: a checked query, a typed path parameter, and a
/// problem type of the plugin's own.
struct DocItemsPlugin: SaaSPlugin {
    static let manifest = PluginManifest(id: "docitems", name: "Items", version: "1.0.0", basePath: "/api/docitems")
    init(context: PluginContext) throws {}

    struct ListQuery: Decodable, Sendable, SchemaDescribing {
        var limit: Int?
        static var schema: Schema {
            .derived(from: Self.self) {
                $0["limit"]?.range(1...100)
                $0["limit"]?.description = "page size, 1-100; default 20"
            }
        }
    }

    func mount(_ routes: PluginRoutes, context: PluginContext) throws {
        var positive = Schema.integer
        positive.minimum = 1
        try routes.add([
            Route.get("items", id: "docitems.list", "Count items")
                .query(ListQuery.self)
                .responds(.ok, schema: .string, contentType: "text/plain")
                .handle { input, _ in "\(input.query.limit ?? 20) items" },
            Route.get("items/{id}", id: "docitems.get", "One item")
                .path("id", positive, "a whole number from 1")
                .responds(.ok, schema: .string, contentType: "text/plain")
                .problems(.notFound)
                .handle { _, context in
                    let id = try context.parameters.require("id")
                    guard id == "1" else {
                        throw Problem(.notFound, type: "item-not-found", detail: "no item \(id)", extensions: ["item": id])
                    }
                    return "item 1"
                },
        ], policy: .public)
    }
}
// doc: end

@Test func docItemsFollowTheKernelsConventions() async throws {
    try await TestKernel.run(plugins: [PluginEntry(DocItemsPlugin.self)], backend: .sqlite) { kernel in
        try await kernel.test { client in
            try await client.execute(uri: "/api/docitems/items?limit=3", method: .get, headers: [.requestID: "doc-1"]) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "3 items")
                #expect(response.headers[.requestID] == "doc-1")
            }
            try await client.execute(uri: "/api/docitems/items?limit=0", method: .get) { response in
                #expect(response.status == .unprocessableContent)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(response.headers[.requestID] != nil)
                let body = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any]
                let errors = body?["errors"] as? [[String: String]]
                #expect(errors?.first?["parameter"] == "limit")
            }
            try await client.execute(uri: "/api/docitems/items/abc", method: .get) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/api/docitems/items/2", method: .get) { response in
                #expect(response.status == .notFound)
                let body = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any]
                #expect(body?["type"] as? String == "https://plinth.dev/problems/item-not-found")
                #expect(body?["item"] as? String == "2")
            }
            try await client.execute(uri: "/api/docitems/items/1", method: .head) { response in
                #expect(response.status == .ok)
                #expect(response.body.readableBytes == 0)
            }
        }
    }
}

// doc: caches
/// A tenant's plan, read on every request: cached on each instance, dropped on all of them when it changes.
struct PlanStore: Sendable {
    let database: Database
    let caches: SharedCaches
    let plans: SharedCache<String>

    init(database: Database, caches: SharedCaches) {
        self.database = database
        self.caches = caches
        plans = caches.make("docnotes.plans", timeToLive: 10)
    }

    func plan(of tenant: String) async throws -> String? {
        try await plans.value(for: tenant) {
            guard let plan = try await database.sql.raw("SELECT plan FROM docnotes_plans WHERE tenant = \(bind: tenant)").first()?
                .decode(column: "plan", as: String.self) else { return nil } // absence is not cached
            return .init(plan, tags: ["docnotes.tenant:\(tenant)"])
        }
    }

    func change(_ tenant: String, to plan: String) async throws {
        try await database.sql.raw("UPDATE docnotes_plans SET plan = \(bind: plan) WHERE tenant = \(bind: tenant)").run()
        try await caches.invalidate(tags: ["docnotes.tenant:\(tenant)"])
    }
}
// doc: end
