import Foundation
import Hummingbird
import PlinthKernel
import SQLKit

// The README's "Write a plugin" example, compiled here and run by `ReadmeExampleTests`; the
// README quotes the code between the markers word for word (a test compares them).

// snippet.begin
struct BillingPlugin: SaaSPlugin {
    static let manifest = PluginManifest(
        id: "billing", name: "Billing", version: "1.0.0",
        kernelAPI: "^1.0.0", dependencies: [:], basePath: "/api/billing"
    )

    let currency: String
    init(context: PluginContext) throws {                  // configure: read settings, fail fast
        currency = context.config.string("CURRENCY") ?? "EUR" // PLINTH_BILLING_CURRENCY
    }

    var migrations: [Migration] {                           // migrate: ordered, checksummed
        [Migration("001_create_invoices",
                   up: ["CREATE TABLE billing_invoices (id TEXT PRIMARY KEY, total INTEGER NOT NULL)"],
                   down: ["DROP TABLE billing_invoices"])]
    }

    func provide(_ context: PluginContext) async throws {   // provide: services, permissions
        try context.declarePermission("billing.invoices.write", "create invoices", roles: ["owner", "admin"])
    }

    struct NewInvoice: Decodable, Sendable, SchemaDescribing {
        var id: String
        var total: Int
        static var schema: Schema {
            .derived(from: Self.self) {
                $0["id"]?.length(1...40)
                $0["total"]?.range(0...1_000_000)
            }
        }
    }

    struct Invoice: ResponseCodable, Sendable {
        var id: String
        var total: Int
        var currency: String
    }

    func mount(_ routes: PluginRoutes, context: PluginContext) throws {   // mount: routes under basePath
        let (database, currency) = (context.database, self.currency)
        try routes.add([
            Route.post("invoices", id: "billing.invoices.create", "Create an invoice")
                .requires(.permission("billing.invoices.write"))
                .body(NewInvoice.self)
                .responds(.created, Invoice.self)
                .problems(.conflict)
                .handle { input, _ in
                    let invoice = input.body
                    try await database.sql.raw("INSERT INTO billing_invoices (id, total) VALUES (\(bind: invoice.id), \(bind: invoice.total))").run()
                    return EditedResponse(status: .created, response: Invoice(id: invoice.id, total: invoice.total, currency: currency))
                },
            Route.get("invoices/{id}", id: "billing.invoices.get", "An invoice")
                .requires(.public)
                .responds(.ok, Invoice.self)
                .problems(.notFound)
                .handle { _, ctx in
                    let id = try ctx.parameters.require("id")
                    guard let row = try await database.sql
                        .raw("SELECT total FROM billing_invoices WHERE id = \(bind: id)").first()
                    else { throw Problem(.notFound, detail: "no invoice \(id)") }
                    return Invoice(id: id, total: try row.decode(column: "total", as: Int.self), currency: currency)
                },
        ])
    }
}
// snippet.end
