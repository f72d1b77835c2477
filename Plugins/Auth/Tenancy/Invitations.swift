import Foundation
import PlinthKernel
import SQLKit

/// Invitations to a tenant. Adding a member by email invites the address: the answer is the same
/// whether or not an account has it, and the membership begins only when the invitee, signed in
/// with that address verified, accepts. Rows are keyed by address, not account, so an address
/// can be invited before it registers; one invitation per tenant and address (inviting again
/// renews it with the new role).
struct Invitations: Sendable {
    let database: Database
    let clock: any KernelClock
    let caches: AuthCaches
    /// `PLINTH_AUTH_INVITATION_EXPIRY`.
    let lifetime: Double

    struct Invitation: Sendable, Codable, Hashable {
        let id: String
        let tenant: String
        let tenantName: String
        let email: String
        let role: String
        let invitedBy: String
        let expiresAt: String
    }

    static let migration = Migration(
        "003_invitations",
        up: MigrationSQL(sqlite: table("REAL"), postgres: table("DOUBLE PRECISION")),
        down: MigrationSQL(sqlite: ["DROP TABLE auth_invitations"], postgres: ["DROP TABLE auth_invitations"])
    )

    static func table(_ time: String) -> [String] {
        [
            """
            CREATE TABLE auth_invitations (
                id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES auth_tenants(id) ON DELETE CASCADE, email TEXT NOT NULL,
                role TEXT NOT NULL, invited_by TEXT NOT NULL, created_at \(time) NOT NULL, expires_at \(time) NOT NULL, UNIQUE (tenant_id, email))
            """,
            "CREATE INDEX auth_invitations_email ON auth_invitations (email)",
        ]
    }

    static let columns = "i.id, i.tenant_id, t.name, i.email, i.role, i.invited_by, i.expires_at"

    static func invitation(_ row: any SQLRow) throws -> Invitation {
        Invitation(
            id: try row.decode(column: "id", as: String.self), tenant: try row.decode(column: "tenant_id", as: String.self),
            tenantName: try row.decode(column: "name", as: String.self), email: try row.decode(column: "email", as: String.self),
            role: try row.decode(column: "role", as: String.self), invitedBy: try row.decode(column: "invited_by", as: String.self),
            expiresAt: UserView.iso(try row.decode(column: "expires_at", as: Double.self))
        )
    }

    /// Invites `email` (normalized) to `tenant` as `role`, or renews its invitation.
    func invite(email: String, to tenant: String, role: String, by inviter: String) async throws -> Invitation {
        let now = clock.now.timeIntervalSince1970
        try await database.sql.raw("""
            INSERT INTO auth_invitations (id, tenant_id, email, role, invited_by, created_at, expires_at)
            VALUES (\(bind: UUID().uuidString.lowercased()), \(bind: tenant), \(bind: email), \(bind: role), \(bind: inviter), \(bind: now), \(bind: now + lifetime))
            ON CONFLICT (tenant_id, email) DO UPDATE SET role = excluded.role, invited_by = excluded.invited_by,
                created_at = excluded.created_at, expires_at = excluded.expires_at
            """).run()
        guard let row = try await database.sql.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM auth_invitations i JOIN auth_tenants t ON t.id = i.tenant_id
            WHERE i.tenant_id = \(bind: tenant) AND i.email = \(bind: email)
            """).first() else { throw DatabaseError(message: "the invitation just written is gone") }
        return try Self.invitation(row)
    }

    /// Live invitations to `email`, or of `tenant`.
    func pending(email: String? = nil, tenant: String? = nil) async throws -> [Invitation] {
        var query = SQLQueryString("SELECT \(unsafeRaw: Self.columns) FROM auth_invitations i JOIN auth_tenants t ON t.id = i.tenant_id WHERE i.expires_at > ")
        query.appendInterpolation(bind: clock.now.timeIntervalSince1970)
        if let email { query.appendInterpolation(unsafeRaw: " AND i.email = "); query.appendInterpolation(bind: email) }
        if let tenant { query.appendInterpolation(unsafeRaw: " AND i.tenant_id = "); query.appendInterpolation(bind: tenant) }
        query.appendInterpolation(unsafeRaw: " ORDER BY i.created_at")
        return try await database.sql.raw(query).all().map(Self.invitation)
    }

    /// Uses up invitation `id` to `email`: `user` becomes a member with its role.
    /// - Returns: the membership, or nil when there is no live invitation `id` to `email`.
    func accept(id: String, email: String, user: String) async throws -> Tenants.Membership? {
        guard let invitation = try await pending(email: email).first(where: { $0.id == id }) else { return nil }
        let now = clock.now.timeIntervalSince1970
        let taken: Bool = try await database.tenantTransaction(tenant: invitation.tenant) { sql in
            // Deleting first makes two accepts of one invitation race for one row.
            guard try await sql.raw("DELETE FROM auth_invitations WHERE id = \(bind: id) RETURNING id").first() != nil else { return false }
            try await sql.raw("""
                INSERT INTO auth_memberships (tenant_id, user_id, role, created_at) VALUES (\(bind: invitation.tenant), \(bind: user), \(bind: invitation.role), \(bind: now))
                ON CONFLICT (tenant_id, user_id) DO NOTHING
                """).run()
            return true
        }
        if taken { try await caches.invalidate(AuthCaches.user(user)) }
        return taken ? Tenants.Membership(tenant: invitation.tenant, name: invitation.tenantName, role: invitation.role) : nil
    }

    /// Declines (as the invitee) or withdraws (within `tenant`) invitation `id`.
    func remove(id: String, email: String? = nil, tenant: String? = nil) async throws -> Bool {
        var query = SQLQueryString("DELETE FROM auth_invitations WHERE id = ")
        query.appendInterpolation(bind: id)
        if let email { query.appendInterpolation(unsafeRaw: " AND email = "); query.appendInterpolation(bind: email) }
        if let tenant { query.appendInterpolation(unsafeRaw: " AND tenant_id = "); query.appendInterpolation(bind: tenant) }
        query.appendInterpolation(unsafeRaw: " RETURNING id")
        return try await database.sql.raw(query).first() != nil
    }
}
