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

    /// Routes are values: the policy, parameters and answers sit beside the handler, and
    /// `/openapi.json` lists them.
    public func mount(_ routes: PluginRoutes, context: PluginContext) throws {
        let database = context.database
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
                    let visits = try await database.transaction { sql in
                        try await sql.raw("INSERT INTO __name___visits (name, tenant) VALUES (\(bind: name), \(bind: context.tenantID))").run()
                        return try await sql.raw("SELECT COUNT(*) AS n FROM __name___visits WHERE name = \(bind: name)").first()?.decode(column: "n", as: Int.self) ?? 0
                    }
                    return "\(greeting) \(name) (visit \(visits))"
                },
        ])
    }
}
