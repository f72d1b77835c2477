import Foundation
@testable import PlinthAuth
import PlinthKernel
import PlinthTesting
import SQLKit
import Testing

/// Checklist G 65–72, on PostgreSQL: tenant rows behind row level security, checked with a
/// runtime role that is neither superuser nor owner nor BYPASSRLS.
@Suite(.serialized) struct RowLevelSecurityTests {
    /// Runs `body` with a kernel connected as a fresh unprivileged role on a schema that a
    /// superuser kernel migrated; `admin` is the superuser's connection.
    static func withAppRole(_ backend: TestBackend, _ body: @escaping @Sendable (AuthClient, KernelParts, any SQLDatabase) async throws -> Void) async throws {
        guard case .postgres(let url) = backend else { return }
        let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let role = "app_" + schema.dropFirst(2)
        try await AuthHarness.run(backend: backend, schema: schema) { _, admin in
            let sql = admin.database.sql
            try await sql.raw("CREATE ROLE \(ident: role) LOGIN PASSWORD 'app-secret' NOSUPERUSER NOBYPASSRLS").run()
            let database = try #require(URLComponents(string: url)?.path.dropFirst()).description
            try await sql.raw("GRANT CREATE, CONNECT ON DATABASE \(ident: database) TO \(ident: role)").run()
            try await sql.raw("GRANT USAGE ON SCHEMA \(ident: schema) TO \(ident: role)").run()
            try await sql.raw("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA \(ident: schema) TO \(ident: role)").run()
            try await sql.raw("GRANT USAGE ON ALL SEQUENCES IN SCHEMA \(ident: schema) TO \(ident: role)").run()
            var components = try #require(URLComponents(string: url))
            components.user = role
            components.password = "app-secret"
            let appURL = try #require(components.string)
            do {
                try await AuthHarness.run(backend: .postgres(url: appURL), schema: schema, options: .init(migrate: false)) { client, kernel in
                    try await body(client, kernel, sql)
                }
            } catch {
                try? await sql.raw("DROP SCHEMA \(ident: schema) CASCADE").run()
                try? await sql.raw("DROP OWNED BY \(ident: role)").run()
                try? await sql.raw("DROP ROLE \(ident: role)").run()
                throw error
            }
            try await sql.raw("DROP SCHEMA \(ident: schema) CASCADE").run()
            try await sql.raw("DROP OWNED BY \(ident: role)").run()
            try await sql.raw("DROP ROLE \(ident: role)").run()
        }
    }

    @Test(arguments: TestBackend.postgresOnly)
    func theRuntimeRoleCannotBypassAndEveryTenantTableForcesRLS(backend: TestBackend) async throws {
        try await Self.withAppRole(backend) { _, kernel, _ in
            let sql = kernel.database.sql
            let role = try #require(try await sql.raw("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user").first())
            #expect(try role.decode(column: "rolsuper", as: Bool.self) == false)
            #expect(try role.decode(column: "rolbypassrls", as: Bool.self) == false)
            for table in AuthSchema.tenantTables {
                let row = try #require(try await sql.raw("""
                    SELECT c.relrowsecurity, c.relforcerowsecurity, pg_get_userbyid(c.relowner) = current_user AS owned
                    FROM pg_class c WHERE c.relname = \(bind: table) AND c.relnamespace = current_schema()::regnamespace
                    """).first())
                #expect(try row.decode(column: "relrowsecurity", as: Bool.self), "\(table)")
                #expect(try row.decode(column: "relforcerowsecurity", as: Bool.self), "\(table)")
                #expect(try row.decode(column: "owned", as: Bool.self) == false, "\(table)")
            }
            // Every table with a tenant_id column is in the list (API keys name theirs tenant_id but are
            // user rows; invitations are rows of an address, which its invitee reads across tenants).
            let withTenant = try await sql.raw("""
                SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'tenant_id' AND table_name LIKE 'auth_%'
                """).all().map { try $0.decode(column: "table_name", as: String.self) }
            #expect(Set(withTenant).subtracting(["auth_api_keys", "auth_invitations"]) == Set(AuthSchema.tenantTables))
        }
    }

    /// Checklist 71: views run as the caller and no function runs as its owner, so neither can
    /// step around the policies. (Auth has neither today; this fails when one is added carelessly.)
    @Test(arguments: TestBackend.postgresOnly)
    func noViewOrFunctionBypassesTheRowPolicies(backend: TestBackend) async throws {
        try await Self.withAppRole(backend) { _, kernel, _ in
            let sql = kernel.database.sql
            let views = try await sql.raw("""
                SELECT c.relname FROM pg_class c WHERE c.relkind IN ('v', 'm') AND c.relnamespace = current_schema()::regnamespace
                  AND NOT COALESCE('security_invoker=true' = ANY (c.reloptions), false)
                """).all()
            #expect(views.isEmpty)
            let definers = try await sql.raw("""
                SELECT p.proname FROM pg_proc p WHERE p.prosecdef AND p.pronamespace = current_schema()::regnamespace
                """).all()
            #expect(definers.isEmpty)
        }
    }

    @Test(arguments: TestBackend.postgresOnly)
    func rowsAreVisibleOnlyInTheirTenantsTransaction(backend: TestBackend) async throws {
        try await Self.withAppRole(backend) { client, kernel, _ in
            let ann = try await client.signUp("ann@example.com")
            let bob = try await client.signUp("bob@example.com")
            let a = try await client.tenant("A", owner: ann)
            let b = try await client.tenant("B", owner: bob)
            let database = kernel.database
            // No tenant set: zero rows, not an error and not every tenant's.
            #expect(try await database.sql.raw("SELECT * FROM auth_memberships").all().isEmpty)
            let inA = try await database.tenantTransaction(tenant: a) { sql in
                try await sql.raw("SELECT tenant_id FROM auth_memberships").all().map { try $0.decode(column: "tenant_id", as: String.self) }
            }
            #expect(inA == [a])
            // SET LOCAL does not leak into the next transaction on the pooled connection.
            for _ in 0..<5 {
                #expect(try await database.withConnection { sql in try await sql.raw("SELECT * FROM auth_memberships").all() }.isEmpty)
            }
            // Writing a row of another tenant fails the policy's check.
            await #expect(throws: (any Error).self) {
                try await database.tenantTransaction(tenant: a) { sql in
                    try await sql.raw("INSERT INTO auth_memberships (tenant_id, user_id, role, created_at) VALUES (\(bind: b), \(bind: ann.user), 'owner', 0)").run()
                }
            }
            await #expect(throws: (any Error).self) {
                try await database.tenantTransaction(tenant: a) { sql in
                    try await sql.raw("UPDATE auth_memberships SET tenant_id = \(bind: b) WHERE tenant_id = \(bind: a)").run()
                }
            }
            // The uniqueness key includes the tenant: the same user may be in A and B.
            try await client.addMember(ann, "ann@example.com", role: "member", to: b, by: bob)
            #expect(try await client.get("/api/tenants/\(a)/members", headers: ann.bearer).status == 200)
        }
    }

    @Test(arguments: TestBackend.postgresOnly)
    func twoHundredParallelRequestsAlternatingTenantsNeverLeak(backend: TestBackend) async throws {
        try await Self.withAppRole(backend) { client, _, _ in
            let ann = try await client.signUp("ann@example.com")
            let bob = try await client.signUp("bob@example.com")
            let a = try await client.tenant("A", owner: ann)
            let b = try await client.tenant("B", owner: bob)
            for i in 0..<3 {
                try await client.addMember(try await client.signUp("a\(i)@example.com"), "a\(i)@example.com", role: "member", to: a, by: ann)
                try await client.addMember(try await client.signUp("b\(i)@example.com"), "b\(i)@example.com", role: "member", to: b, by: bob)
            }
            try await withThrowingTaskGroup(of: (Bool, String).self) { group in
                for i in 0..<200 {
                    let inA = i % 2 == 0
                    group.addTask {
                        let answer = try await client.get("/api/tenants/\(inA ? a : b)/members", headers: (inA ? ann : bob).bearer)
                        return (inA, answer.text)
                    }
                }
                for try await (inA, text) in group {
                    let own = inA ? "a" : "b"
                    let other = inA ? "b" : "a"
                    #expect(text.contains("\(own)0@example.com"))
                    #expect(!text.contains("\(other)0@example.com") && !text.contains(inA ? "bob@" : "ann@"))
                }
            }
        }
    }

    @Test(arguments: TestBackend.postgresOnly)
    func productionRefusesASuperuserRole(backend: TestBackend) async throws {
        let env = AuthHarness.environment.merging(["PLINTH_ENV": "production", "BCRYPT_ROUNDS": "10", "PLINTH_DATA_DIR": try temporaryFolder()]) { $1 }
        do {
            try await TestKernel.run(plugins: [PluginEntry(AuthPlugin.self)], backend: backend, environment: env) { _ in }
            Issue.record("startup should have failed")
        } catch {
            #expect("\(error)".contains("superuser"))
            #expect("\(error)".contains("DATABASE_URL"))
        }
    }
}
