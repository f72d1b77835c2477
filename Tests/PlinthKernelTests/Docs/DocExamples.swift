import Foundation
import Hummingbird
import PlinthKernel
import SQLKit

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
