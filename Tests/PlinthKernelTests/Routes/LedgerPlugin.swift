import Foundation
import HTTPTypes
import Hummingbird
import PlinthKernel
import SQLKit
import Synchronization

/// A plugin with declared routes for the route tests: a body with bounds, an enum and an
/// optional member, a query, a typed path parameter, and a permission only owners hold. An
/// authenticator of its own reads the caller's role from `x-test-role`.
struct LedgerPlugin: SaaSPlugin {
    static let manifest = PluginManifest(id: "ledger", name: "Ledger", version: "1.0.0", basePath: "/api/ledger")
    /// Handler runs, to show which requests never reached a handler.
    static let calls = Atomic<Int>(0)

    enum Currency: String, Codable, Sendable, SchemaEnum { case eur, usd }

    struct Entry: Codable, Sendable, SchemaDescribing {
        var amount: Int
        var currency: Currency
        var note: String?
        var at: Date?

        static var schema: Schema {
            .derived(from: Self.self) {
                $0["amount"]?.range(1...1000)
                $0["note"]?.length(1...10)
            }
        }
    }

    struct Listing: Decodable, Sendable, SchemaDescribing {
        var currency: Currency?
        var limit: Int?
        static var schema: Schema { .derived(from: Self.self) { $0["limit"]?.range(1...10) } }
    }

    struct Created: Codable, Sendable {
        var id: Int
        var count: Int
    }

    init(context: PluginContext) throws {}

    var migrations: [Migration] {
        [Migration("001_entries", up: ["CREATE TABLE ledger_entries (id INTEGER PRIMARY KEY, amount INTEGER NOT NULL, currency TEXT NOT NULL)"],
                   down: ["DROP TABLE ledger_entries"])]
    }

    func provide(_ context: PluginContext) async throws {
        try context.declarePermission("ledger.write", "record entries", roles: ["owner"])
        try context.provide((any RequestAuthenticator).self, RoleHeaderAuthenticator(catalog: context.permissions))
    }

    func mount(_ routes: PluginRoutes, context: PluginContext) throws {
        let database = context.database
        try routes.add([
            Route.post("entries", id: "ledger.entries.create", "Record an entry")
                .requires(.permission("ledger.write"))
                .body(Entry.self)
                .responds(.created, Created.self)
                .link(.created, "GetEntry", to: "ledger.entries.get", parameters: ["id": "$response.body#/id"])
                .handle { input, _ in
                    Self.calls.add(1, ordering: .relaxed)
                    let count = try await database.transaction { sql in
                        let next = try await sql.raw("SELECT COALESCE(MAX(id), 0) + 1 AS n FROM ledger_entries").first()?.decode(column: "n", as: Int.self) ?? 1
                        try await sql.raw("INSERT INTO ledger_entries (id, amount, currency) VALUES (\(bind: next), \(bind: input.body.amount), \(bind: input.body.currency.rawValue))").run()
                        return next
                    }
                    return try Self.json(.created, Created(id: count, count: count))
                },
            Route.get("entries", id: "ledger.entries.list", "List entries")
                .requires(.signedIn)
                .query(Listing.self)
                .responds(.ok, [Int].self, "entry amounts")
                .handle { input, _ in
                    Self.calls.add(1, ordering: .relaxed)
                    let rows = try await database.sql.raw("SELECT amount, currency FROM ledger_entries ORDER BY id").all()
                    let amounts = try rows.filter { try input.query.currency == nil || $0.decode(column: "currency", as: String.self) == input.query.currency?.rawValue }
                        .map { try $0.decode(column: "amount", as: Int.self) }
                    return try Self.json(.ok, Array(amounts.prefix(input.query.limit ?? 10)))
                },
            Route.get("entries/{id}", id: "ledger.entries.get", "One entry")
                .requires(.signedIn)
                .path("id", .integer)
                .responds(.ok, Entry.self)
                .problems(.notFound)
                .handle { _, context in
                    Self.calls.add(1, ordering: .relaxed)
                    let id = try context.parameters.require("id", as: Int.self)
                    guard let row = try await database.sql.raw("SELECT amount, currency FROM ledger_entries WHERE id = \(bind: id)").first() else {
                        throw Problem(.notFound, detail: "no entry \(id)")
                    }
                    return try Self.json(.ok, Entry(amount: try row.decode(column: "amount", as: Int.self), currency: Currency(rawValue: try row.decode(column: "currency", as: String.self))!))
                },
        ])
    }

    static func json(_ status: HTTPResponse.Status, _ value: some Encodable) throws -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder().encode(value))))
    }
}

/// `x-test-role: owner|member` signs the caller in as that role of tenant `t1`.
struct RoleHeaderAuthenticator: RequestAuthenticator {
    let catalog: PermissionCatalog

    func authenticate(_ request: Request, context: inout PlinthRequestContext) async throws {
        guard let role = request.headers[HTTPField.Name("x-test-role")!] else { return }
        context.identity = PlinthIdentity(subject: "u-" + role, method: .bearer, tenantID: "t1", role: role, permissions: catalog.permissions(for: role))
        context.tenantID = "t1"
    }
}
