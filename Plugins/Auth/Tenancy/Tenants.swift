import Foundation
import PlinthKernel
import SQLKit

/// Tenants and memberships. Membership rows are tenant rows: every query runs in a
/// transaction scoped to the tenant (`app.current_tenant`) or, for "my tenants", to the user
/// (`app.current_user`), so row level security on PostgreSQL admits exactly those rows.
struct Tenants: Sendable {
    let database: Database
    let clock: any KernelClock
    let caches: AuthCaches

    struct Membership: Sendable, Codable, Hashable {
        let tenant: String
        let name: String
        let role: String
    }

    struct Member: Sendable, Codable, Hashable {
        let user: String
        let email: String
        let name: String?
        let role: String
    }

    /// Runs `body` in a transaction that may see `user`'s own memberships in every tenant.
    func asUser<T>(_ user: String, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await database.transaction { sql in
            if database.kind == .postgres {
                try await sql.raw("SELECT set_config('app.current_user', \(bind: user), true)").run()
            }
            return try await body(sql)
        }
    }

    /// Creates a tenant with `owner` as its owner.
    func create(name: String, owner: String) async throws -> Membership {
        let id = UUID().uuidString.lowercased()
        let now = clock.now.timeIntervalSince1970
        try await database.tenantTransaction(tenant: id) { sql in
            try await sql.raw("INSERT INTO auth_tenants (id, name, created_by, created_at) VALUES (\(bind: id), \(bind: name), \(bind: owner), \(bind: now))").run()
            try await sql.raw("INSERT INTO auth_memberships (tenant_id, user_id, role, created_at) VALUES (\(bind: id), \(bind: owner), 'owner', \(bind: now))").run()
        }
        try await caches.invalidate(AuthCaches.user(owner))
        return Membership(tenant: id, name: name, role: "owner")
    }

    /// Deletes `tenant`: its memberships and invitations go with it (foreign keys), and API keys
    /// bound to it are revoked. - Returns: whether it existed.
    func delete(_ tenant: String) async throws -> Bool {
        let deleted = try await database.tenantTransaction(tenant: tenant) { sql in
            guard try await sql.raw("SELECT id FROM auth_tenants WHERE id = \(bind: tenant)").first() != nil else { return false }
            try await sql.raw("DELETE FROM auth_api_keys WHERE tenant_id = \(bind: tenant)").run()
            try await sql.raw("DELETE FROM auth_memberships WHERE tenant_id = \(bind: tenant)").run()
            try await sql.raw("DELETE FROM auth_tenants WHERE id = \(bind: tenant)").run()
            return true
        }
        if deleted { try await caches.invalidate(AuthCaches.tenant(tenant)) }
        return deleted
    }

    /// `tenant`'s name, if it exists.
    func name(of tenant: String) async throws -> String? {
        try await database.sql.raw("SELECT name FROM auth_tenants WHERE id = \(bind: tenant)").first()?.decode(column: "name", as: String.self)
    }

    /// `user`'s role in `tenant`, or `nil` when not a member.
    func role(of user: String, in tenant: String) async throws -> String? {
        try await caches.roles.value(for: "\(user)|\(tenant)") {
            let role = try await database.tenantTransaction(tenant: tenant) { sql in
                try await sql.raw("SELECT role FROM auth_memberships WHERE tenant_id = \(bind: tenant) AND user_id = \(bind: user)").first()?
                    .decode(column: "role", as: String.self)
            }
            return role.map { .init($0, tags: [AuthCaches.user(user), AuthCaches.tenant(tenant)]) }
        }
    }

    /// The tenants `user` belongs to.
    func memberships(of user: String) async throws -> [Membership] {
        try await caches.memberships.value(for: user) {
            let memberships = try await asUser(user) { sql in
                try await sql.raw("""
                    SELECT m.tenant_id, t.name, m.role FROM auth_memberships m JOIN auth_tenants t ON t.id = m.tenant_id
                    WHERE m.user_id = \(bind: user) ORDER BY t.name
                    """).all().map { row in
                    Membership(tenant: try row.decode(column: "tenant_id", as: String.self), name: try row.decode(column: "name", as: String.self),
                               role: try row.decode(column: "role", as: String.self))
                }
            }
            return .init(memberships, tags: [AuthCaches.user(user)] + memberships.map { AuthCaches.tenant($0.tenant) })
        } ?? []
    }

    func members(of tenant: String) async throws -> [Member] {
        try await database.tenantTransaction(tenant: tenant) { sql in
            try await sql.raw("""
                SELECT m.user_id, u.email, u.name, m.role FROM auth_memberships m JOIN auth_users u ON u.id = m.user_id
                WHERE m.tenant_id = \(bind: tenant) ORDER BY u.email
                """).all().map { row in
                Member(user: try row.decode(column: "user_id", as: String.self), email: try row.decode(column: "email", as: String.self),
                       name: try row.decode(column: "name", as: String?.self), role: try row.decode(column: "role", as: String.self))
            }
        }
    }

    enum Change: Sendable, Equatable { case done(previous: String), notMember, lastOwner }

    /// Sets `user`'s role in `tenant` (`nil` removes the membership); a tenant keeps at least one owner.
    ///
    /// Changes in one tenant take turns: on PostgreSQL the tenant's row is locked first, so two
    /// owners demoting each other at once cannot both see the other still an owner. (SQLite has
    /// one writer, which gives the same.)
    func change(user: String, in tenant: String, to role: String?) async throws -> Change {
        let change = try await database.tenantTransaction(tenant: tenant) { sql -> Change in
            if database.kind == .postgres {
                try await sql.raw("SELECT id FROM auth_tenants WHERE id = \(bind: tenant) FOR UPDATE").run()
            }
            guard let previous = try await sql.raw("SELECT role FROM auth_memberships WHERE tenant_id = \(bind: tenant) AND user_id = \(bind: user)").first()?
                .decode(column: "role", as: String.self) else { return .notMember }
            if previous == "owner" && role != "owner" {
                let owners = try await sql.raw("SELECT COUNT(*) AS n FROM auth_memberships WHERE tenant_id = \(bind: tenant) AND role = 'owner'").first()?
                    .decode(column: "n", as: Int.self) ?? 0
                if owners <= 1 { return .lastOwner }
            }
            if let role {
                try await sql.raw("UPDATE auth_memberships SET role = \(bind: role) WHERE tenant_id = \(bind: tenant) AND user_id = \(bind: user)").run()
            } else {
                try await sql.raw("DELETE FROM auth_memberships WHERE tenant_id = \(bind: tenant) AND user_id = \(bind: user)").run()
            }
            return .done(previous: previous)
        }
        if case .done = change { try await caches.invalidate(AuthCaches.user(user)) }
        return change
    }
}
