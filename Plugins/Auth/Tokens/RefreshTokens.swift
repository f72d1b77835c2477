import Foundation
import PlinthKernel
import SQLKit

/// Opaque refresh tokens with rotation and reuse detection (RFC 9700 §4.14.2).
///
/// A sign-in is a *family*: its first token is issued at login, and every refresh retires the
/// presented token and issues its successor. Presenting a retired token again means it was
/// copied, so the whole family is revoked, the newest token included. Tokens are stored as
/// keyed hashes; a token expires after `PLINTH_AUTH_REFRESH_IDLE_TIMEOUT` unused, and the
/// family after `JWT_REFRESH_EXPIRY` however often it is refreshed.
struct RefreshTokens: Sendable {
    let database: Database
    let clock: any KernelClock
    let secret: SecretToken
    let configuration: AuthConfiguration
    let caches: AuthCaches

    struct Issued: Sendable {
        let token: String
        let family: String
        let user: String
    }

    enum Outcome: Sendable {
        case rotated(Issued)
        /// Unknown, expired or revoked: `invalid_grant`.
        case invalid
        /// A retired token came back; its family (named) is now revoked.
        case reused(family: String, user: String)
    }

    /// Starts a sign-in for `user`.
    func issue(user: String, mode: String, userAgent: String?) async throws -> Issued {
        let now = clock.now.timeIntervalSince1970
        let family = UUID().uuidString.lowercased()
        let familyExpiry = now + configuration.refreshExpiry
        return try await insert(user: user, family: family, mode: mode, userAgent: userAgent, familyExpiry: familyExpiry, now: now, on: database.sql)
    }

    private func insert(user: String, family: String, mode: String, userAgent: String?, familyExpiry: Double, now: Double, on sql: any SQLDatabase) async throws -> Issued {
        let token = SecretToken.random()
        let expiry = min(now + configuration.refreshIdleTimeout, familyExpiry)
        try await sql.raw("""
            INSERT INTO auth_refresh_tokens (id, family_id, user_id, token_hash, mode, user_agent, created_at, expires_at, family_expires_at)
            VALUES (\(bind: UUID().uuidString.lowercased()), \(bind: family), \(bind: user), \(bind: secret.hash(token)), \(bind: mode),
                    \(bind: userAgent.map { String($0.prefix(200)) }), \(bind: now), \(bind: expiry), \(bind: familyExpiry))
            """).run()
        return Issued(token: token, family: family, user: user)
    }

    /// Exchanges `presented` for its successor.
    func rotate(_ presented: String) async throws -> Outcome {
        let now = clock.now.timeIntervalSince1970
        let hash = secret.hash(presented)
        return try await database.transaction { sql -> Outcome in
            guard let row = try await sql.raw("""
                SELECT t.id, t.family_id, t.user_id, t.mode, t.user_agent, t.expires_at, t.family_expires_at, t.rotated_at,
                       t.replaced_by, t.revoked_at, u.disabled_at
                FROM auth_refresh_tokens t JOIN auth_users u ON u.id = t.user_id WHERE t.token_hash = \(bind: hash)
                """).first() else { return .invalid }
            let id = try row.decode(column: "id", as: String.self)
            let family = try row.decode(column: "family_id", as: String.self)
            let user = try row.decode(column: "user_id", as: String.self)
            if try row.decode(column: "revoked_at", as: Double?.self) != nil || row.decode(column: "disabled_at", as: Double?.self) != nil {
                return .invalid
            }
            let familyExpiry = try row.decode(column: "family_expires_at", as: Double.self)
            if familyExpiry <= now { return .invalid }
            let mode = try row.decode(column: "mode", as: String.self)
            let agent = try row.decode(column: "user_agent", as: String?.self)
            if let rotatedAt = try row.decode(column: "rotated_at", as: Double?.self) {
                // Within the grace window the immediate predecessor of the live token may refresh
                // once more (two tabs racing); the live token is then retired in turn.
                if now - rotatedAt <= configuration.refreshReuseInterval,
                   let successor = try row.decode(column: "replaced_by", as: String?.self) {
                    let next = try await insert(user: user, family: family, mode: mode, userAgent: agent, familyExpiry: familyExpiry, now: now, on: sql)
                    if try await retire(successor, successorOf: next, now: now, on: sql) { return .rotated(next) }
                }
                try await revoke(family: family, reason: "reuse", on: sql)
                return .reused(family: family, user: user)
            }
            if try row.decode(column: "expires_at", as: Double.self) <= now { return .invalid }
            let next = try await insert(user: user, family: family, mode: mode, userAgent: agent, familyExpiry: familyExpiry, now: now, on: sql)
            guard try await retire(id, successorOf: next, now: now, on: sql) else {
                // Another request rotated it between our read and write: that is reuse.
                try await revoke(family: family, reason: "reuse", on: sql)
                return .reused(family: family, user: user)
            }
            return .rotated(next)
        }
    }

    /// Marks token `id` rotated (pointing at `successor`'s row when given); `false` when it was
    /// already rotated or revoked.
    private func retire(_ id: String, successorOf successor: Issued?, now: Double, on sql: any SQLDatabase) async throws -> Bool {
        let replacement: String? = successor.map { secret.hash($0.token) }
        let rows = try await sql.raw("""
            UPDATE auth_refresh_tokens SET rotated_at = \(bind: now),
                replaced_by = COALESCE((SELECT r.id FROM auth_refresh_tokens r WHERE r.token_hash = \(bind: replacement)), replaced_by)
            WHERE id = \(bind: id) AND rotated_at IS NULL AND revoked_at IS NULL RETURNING id
            """).all()
        return !rows.isEmpty
    }

    /// Revokes every token of sign-in `family`.
    func revoke(family: String, reason: String, on sql: (any SQLDatabase)? = nil) async throws {
        try await (sql ?? database.sql).raw("""
            UPDATE auth_refresh_tokens SET revoked_at = \(bind: clock.now.timeIntervalSince1970), revoked_reason = \(bind: reason)
            WHERE family_id = \(bind: family) AND revoked_at IS NULL
            """).run()
        try await caches.invalidate(AuthCaches.family(family))
    }

    /// Revokes every sign-in of `user`. - Returns: how many sign-ins were live.
    @discardableResult
    func revokeAll(user: String, reason: String) async throws -> Int {
        let rows = try await database.sql.raw("""
            UPDATE auth_refresh_tokens SET revoked_at = \(bind: clock.now.timeIntervalSince1970), revoked_reason = \(bind: reason)
            WHERE user_id = \(bind: user) AND revoked_at IS NULL RETURNING family_id
            """).all()
        try await caches.invalidate(AuthCaches.user(user))
        return Set(try rows.map { try $0.decode(column: "family_id", as: String.self) }).count
    }

    /// The family a presented token belongs to, whatever its state.
    func family(of presented: String) async throws -> (family: String, user: String)? {
        guard let row = try await database.sql.raw("SELECT family_id, user_id FROM auth_refresh_tokens WHERE token_hash = \(bind: secret.hash(presented))").first() else { return nil }
        return (try row.decode(column: "family_id", as: String.self), try row.decode(column: "user_id", as: String.self))
    }

    /// Whether sign-in `family` of `user` is still live (not revoked, not past its absolute
    /// expiry) and its account not disabled: one query per authenticated request.
    func isLive(family: String, user: String) async throws -> Bool {
        try await caches.signIns.value(for: "\(family)|\(user)") {
            let now = clock.now.timeIntervalSince1970
            guard let row = try await database.sql.raw("""
                SELECT t.family_expires_at FROM auth_refresh_tokens t JOIN auth_users u ON u.id = t.user_id
                WHERE t.family_id = \(bind: family) AND t.user_id = \(bind: user) AND t.revoked_at IS NULL AND t.family_expires_at > \(bind: now)
                  AND u.disabled_at IS NULL LIMIT 1
                """).first() else { return nil }
            return .init(true, tags: [AuthCaches.family(family), AuthCaches.user(user)], until: try row.decode(column: "family_expires_at", as: Double.self))
        } ?? false
    }

    /// The live sign-ins of `user`, newest first.
    func signIns(user: String) async throws -> [SignInSummary] {
        let now = clock.now.timeIntervalSince1970
        let rows = try await database.sql.raw("""
            SELECT family_id, mode, MIN(created_at) AS created_at, MAX(created_at) AS last_used_at, MAX(family_expires_at) AS expires_at,
                   MAX(user_agent) AS user_agent
            FROM auth_refresh_tokens WHERE user_id = \(bind: user) AND revoked_at IS NULL AND family_expires_at > \(bind: now)
            GROUP BY family_id, mode ORDER BY MIN(created_at) DESC
            """).all()
        return try rows.map { row in
            SignInSummary(
                family: try row.decode(column: "family_id", as: String.self), mode: try row.decode(column: "mode", as: String.self),
                createdAt: try row.decode(column: "created_at", as: Double.self), lastUsedAt: try row.decode(column: "last_used_at", as: Double.self),
                expiresAt: try row.decode(column: "expires_at", as: Double.self), userAgent: try row.decode(column: "user_agent", as: String?.self)
            )
        }
    }
}

/// One live sign-in as its owner sees it.
struct SignInSummary: Sendable {
    let family: String
    let mode: String
    let createdAt: Double
    let lastUsedAt: Double
    let expiresAt: Double
    let userAgent: String?
}
