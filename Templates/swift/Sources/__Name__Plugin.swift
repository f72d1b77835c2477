import Foundation
import Hummingbird
import PlinthKernel
import SQLKit

/// The __name__ plugin, compiled into `plinth`: routes under /api/__name__.
///
/// Settings: `PLINTH___NAME___GREETING` (default "hello").
public struct __Name__Plugin: SaaSPlugin {
    public static let manifest = PluginManifest(
        id: "__name__", name: "__Name__", version: "0.1.0",
        description: "Scaffolded with plinth new plugin",
        kernelAPI: "^1.0.0", basePath: "/api/__name__"
    )

    let greeting: String

    public init(context: PluginContext) throws {
        greeting = context.config.string("GREETING") ?? "hello"
    }

    public var migrations: [Migration] {
        [Migration("001_visits",
                   up: ["CREATE TABLE __name___visits (name TEXT NOT NULL, tenant TEXT)"],
                   down: ["DROP TABLE __name___visits"])]
    }

    /// Step 5: wire services together (no database access yet: `plinth routes` runs this on an
    /// empty database) and return what `mount` and `boot` need; the kernel keeps it.
    public func provide(_ context: PluginContext) async throws -> __Name__Visits {
        __Name__Visits(database: context.database)
    }

    /// Routes are values: the policy, parameters and answers sit beside the handler, and
    /// `/openapi.json` lists them.
    public func mount(_ routes: PluginRoutes, provided visits: __Name__Visits, context: PluginContext) throws {
        let greeting = self.greeting
        var name = Schema.string
        name.length(1...64)
        try routes.add([
            Route.get("greet/{name}", id: "__name__.greet", "Greets a name and counts its visits")
                .requires(.public)
                .path("name", name, "who to greet")
                .responds(.ok, schema: .string, contentType: "text/plain", "the greeting")
                .handle { _, context in
                    let name = try context.parameters.require("name")
                    let count = try await visits.record(name, tenant: context.tenantID)
                    return "\(greeting) \(name) (visit \(count))"
                },
        ])
    }
}

/// The plugin's table, behind the one object its routes use.
public struct __Name__Visits: Sendable {
    let database: Database

    /// Records a visit by `name` and answers how many there were.
    func record(_ name: String, tenant: String?) async throws -> Int {
        try await database.transaction { sql in
            try await sql.raw("INSERT INTO __name___visits (name, tenant) VALUES (\(bind: name), \(bind: tenant))").run()
            return try await sql.raw("SELECT COUNT(*) AS n FROM __name___visits WHERE name = \(bind: name)").first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }
}
