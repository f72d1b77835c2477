import PlinthKernel
import SQLKit

/// Row level security holds only for a role that is neither superuser nor `BYPASSRLS`
/// (superusers skip policies even with FORCE). In production such a role stops startup; in
/// development it is a warning, since a local PostgreSQL usually runs as its superuser.
enum DatabaseRoleCheck {
    static func run(_ context: PluginContext) async throws {
        guard context.database.kind == .postgres else { return }
        guard let row = try await context.database.sql.raw("SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user").first() else { return }
        let name = try row.decode(column: "rolname", as: String.self)
        let superuser = try row.decode(column: "rolsuper", as: Bool.self)
        let bypass = try row.decode(column: "rolbypassrls", as: Bool.self)
        guard superuser || bypass else { return }
        let message = "the database role '\(name)' is \(superuser ? "a superuser" : "BYPASSRLS"), so row level security does not separate tenants; connect as a role without SUPERUSER and BYPASSRLS (DATABASE_URL)"
        if context.kernel.isProduction { throw KernelStartupError("plugin 'auth': \(message)") }
        context.logger.warning("\(message)")
    }
}
