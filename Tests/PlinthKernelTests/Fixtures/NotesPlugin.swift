import HTTPTypes
import Foundation
import Hummingbird
import PlinthKernel
import SQLKit
import Synchronization

/// The example plugin: uses every contract point (config, migration, service, routes with
/// scoped middleware, session, event, audit, boot hook, health, shutdown).
struct NotesPlugin: SaaSPlugin {
    static let manifest = PluginManifest(
        id: "notes", name: "Notes", version: "1.2.0", description: "Short notes per tenant",
        kernelAPI: "^1.0.0", basePath: "/api/notes"
    )

    let maxLength: Int
    let healthy: Bool
    let recorder: String

    init(context: PluginContext) throws {
        maxLength = try context.config.int("MAX_LENGTH", default: 280, range: 1...10_000)
        healthy = try context.config.bool("HEALTHY", default: true)
        recorder = context.config.string("RECORDER") ?? "default"
        LifecycleLog.record(recorder, "notes.configure")
    }

    var migrations: [Migration] {
        [Migration("001_create_notes",
                   up: ["CREATE TABLE notes_items (id TEXT PRIMARY KEY, tenant TEXT, body TEXT NOT NULL)"],
                   down: ["DROP TABLE notes_items"])]
    }

    func provide(_ context: PluginContext) async throws {
        LifecycleLog.record(recorder, "notes.provide")
        try context.provide((any NoteCounting).self, SQLNoteCounter(database: context.database))
    }

    func mount(_ routes: PluginRoutes, context: PluginContext) throws {
        LifecycleLog.record(recorder, "notes.mount")
        let maxLength = self.maxLength
        try routes.add(Route.get("", id: "test.1", "test route").requires(.public).handle { _, ctx in
            let rows = try await context.database.sql.raw("SELECT id, body FROM notes_items ORDER BY id").all()
            return try rows.map { try NoteDTO(id: $0.decode(column: "id", as: String.self), body: $0.decode(column: "body", as: String.self)) }
        })
        // A body of unknown length, as an event stream's.
        try routes.add(Route.get("stream", id: "test.2", "test route").requires(.public).handle { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain"], body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: "one\n"))
                try await writer.write(ByteBuffer(string: "two\n"))
                try await writer.finish(nil)
            })
        })
        try routes.add(Route.get(":id", id: "test.3", "test route").requires(.public).handle { _, ctx in
            let id = try ctx.parameters.require("id")
            guard let row = try await context.database.sql.raw("SELECT id, body FROM notes_items WHERE id = \(bind: id)").first() else {
                throw Problem(.notFound, detail: "no note \(id)")
            }
            return NoteDTO(id: try row.decode(column: "id", as: String.self), body: try row.decode(column: "body", as: String.self))
        })
        try routes.add(Route.post("session", id: "test.4", "test route").requires(.public).handle { _, ctx in
            ctx.session.subject = "user-1"
            ctx.session.rotate()
            return HTTPResponse.Status.noContent
        })
        try routes.add(Route.get("session", id: "test.5", "test route").requires(.public).handle { _, ctx in
            guard let subject = ctx.session.subject else { throw Problem(.unauthorized, detail: "no session") }
            return subject
        })
        try routes.add(Route.delete("session", id: "test.6", "test route").requires(.public).handle { _, ctx in
            ctx.session.invalidate()
            return HTTPResponse.Status.noContent
        })
        try routes.add(Route.get("boom", id: "test.7", "test route").requires(.public).handle { _, _ -> String in
            throw NSError(domain: "secret-internal-detail", code: 42)
        })
        // Middleware added here applies to the routes below only: a scoped guard.
        routes.add(middleware: RequireHeaderMiddleware(name: "x-notes-key"))
        try routes.add(Route.post("", id: "test.8", "test route").requires(.public).handle { input, ctx in
            let input = try await input.request.decode(as: NewNote.self, context: ctx)
            guard !input.body.isEmpty, input.body.count <= maxLength else {
                throw Problem(.unprocessableContent, type: "validation", detail: "body must be 1-\(maxLength) characters", extensions: ["field": "body"])
            }
            let id = UUID().uuidString
            try await context.database.transaction { db in
                try await db.raw("INSERT INTO notes_items (id, tenant, body) VALUES (\(bind: id), \(bind: ctx.tenantID), \(bind: input.body))").run()
                try await context.audit("notes.created", actor: ctx.session.subject, tenant: ctx.tenantID, target: id, requestID: ctx.requestID)
                try await context.publish(NoteCreated(id: id, body: input.body))
            }
            return EditedResponse(status: .created, response: NoteDTO(id: id, body: input.body))
        })
    }

    func boot(_ context: PluginContext) async throws {
        LifecycleLog.record(recorder, "notes.boot")
        let recorder = self.recorder
        context.events.on(NoteCreated.self, plugin: context.id) { note in
            LifecycleLog.record(recorder, "notes.event:\(note.body)")
        }
    }

    func health(_ context: PluginContext) async -> PluginHealth {
        healthy ? .healthy : .unhealthy("notes store is read-only")
    }

    func shutdown(_ context: PluginContext) async throws {
        LifecycleLog.record(recorder, "notes.shutdown")
    }
}

struct NewNote: Codable { let body: String }
struct NoteDTO: ResponseCodable, Equatable { let id: String; let body: String }
struct NoteCreated: KernelEvent, Equatable {
    static let name = "notes.note.created"
    let id: String
    let body: String
}

protocol NoteCounting: Sendable {
    func count() async throws -> Int
}

struct SQLNoteCounter: NoteCounting {
    let database: Database
    func count() async throws -> Int {
        try await database.sql.raw("SELECT COUNT(*) AS n FROM notes_items").first()!.decode(column: "n", as: Int.self)
    }
}

struct RequireHeaderMiddleware: RouterMiddleware {
    typealias Context = PlinthRequestContext
    let name: String
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.headers[HTTPField.Name(name)!] != nil else { throw Problem(.forbidden, detail: "\(name) header required") }
        return try await next(request, context)
    }
}

/// Records lifecycle steps per test (keyed by PLINTH_<ID>_RECORDER) so order can be asserted.
enum LifecycleLog {
    static let entries = Mutex<[String: [String]]>([:])
    static func record(_ key: String, _ step: String) { entries.withLock { $0[key, default: []].append(step) } }
    static func steps(_ key: String) -> [String] { entries.withLock { $0[key] ?? [] } }
}
