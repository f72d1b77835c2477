import Crypto
import Foundation
import PlinthKernel
import SQLKit

/// API keys: `plk_<prefix>_<secret>` with 192 secret bits, shown once. The table keeps the
/// non-secret prefix (for lookup) and the SHA-256 of the whole key, compared in constant time.
/// Revocation and expiry take effect on the next request on every instance: a key's holder is
/// cached (``AuthCaches``) and dropped everywhere when the key is revoked or its user disabled.
struct APIKeys: Sendable {
    let database: Database
    let clock: any KernelClock
    /// `API_KEY_EXPIRY`; 0 = never.
    let defaultLifetime: Double
    /// `API_KEY_RATE_LIMIT` per hour, counted by ``usage``.
    var hourlyLimit: Int { usage.limit }
    let caches: AuthCaches
    let usage: APIKeyUsage

    struct Key: Sendable, Codable {
        let id: String
        let name: String
        let prefix: String
        let tenant: String?
        let scopes: [String]
        let createdAt: Double
        let expiresAt: Double?
        let lastUsedAt: Double?
    }

    /// What a presented key resolves to.
    struct Holder: Sendable {
        let key: String
        let user: String
        let tenant: String?
        let scopes: Set<String>
    }

    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).hexString
    }

    /// Creates a key. - Returns: the key's row and the key itself, which is never shown again.
    func create(user: String, name: String, tenant: String?, scopes: [String], lifetime: Double?) async throws -> (Key, String) {
        let now = clock.now.timeIntervalSince1970
        let prefix = SecretToken.randomHex(12)
        let secret = SecretToken.random(bytes: 24)
        let plaintext = "plk_\(prefix)_\(secret)"
        let life = lifetime ?? defaultLifetime
        let expires: Double? = life > 0 ? now + life : nil
        let id = UUID().uuidString.lowercased()
        try await database.sql.raw("""
            INSERT INTO auth_api_keys (id, user_id, tenant_id, name, prefix, key_hash, scopes, created_at, expires_at)
            VALUES (\(bind: id), \(bind: user), \(bind: tenant), \(bind: name), \(bind: prefix), \(bind: Self.sha256(plaintext)),
                    \(bind: scopes.joined(separator: " ")), \(bind: now), \(bind: expires))
            """).run()
        return (Key(id: id, name: name, prefix: prefix, tenant: tenant, scopes: scopes, createdAt: now, expiresAt: expires, lastUsedAt: nil), plaintext)
    }

    /// The live keys of `user`.
    func list(user: String) async throws -> [Key] {
        let now = clock.now.timeIntervalSince1970
        let rows = try await database.sql.raw("""
            SELECT id, name, prefix, tenant_id, scopes, created_at, expires_at, last_used_at FROM auth_api_keys
            WHERE user_id = \(bind: user) AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > \(bind: now)) ORDER BY created_at DESC
            """).all()
        return try rows.map { row in
            Key(id: try row.decode(column: "id", as: String.self), name: try row.decode(column: "name", as: String.self),
                prefix: try row.decode(column: "prefix", as: String.self), tenant: try row.decode(column: "tenant_id", as: String?.self),
                scopes: try row.decode(column: "scopes", as: String.self).split(separator: " ").map(String.init),
                createdAt: try row.decode(column: "created_at", as: Double.self), expiresAt: try row.decode(column: "expires_at", as: Double?.self),
                lastUsedAt: try row.decode(column: "last_used_at", as: Double?.self))
        }
    }

    /// Revokes key `id` of `user`. - Returns: whether it was live.
    func revoke(id: String, user: String) async throws -> Bool {
        let revoked = try await database.sql.raw("""
            UPDATE auth_api_keys SET revoked_at = \(bind: clock.now.timeIntervalSince1970)
            WHERE id = \(bind: id) AND user_id = \(bind: user) AND revoked_at IS NULL RETURNING id
            """).first() != nil
        try await caches.invalidate(AuthCaches.key(id))
        return revoked
    }

    /// Revokes every key of `user`.
    func revokeAll(user: String) async throws {
        try await database.sql.raw("UPDATE auth_api_keys SET revoked_at = \(bind: clock.now.timeIntervalSince1970) WHERE user_id = \(bind: user) AND revoked_at IS NULL").run()
        try await caches.invalidate(AuthCaches.user(user))
    }

    /// The holder of `presented`, or `nil` when it is malformed, unknown, revoked, expired or its
    /// user is disabled.
    func resolve(_ presented: String) async throws -> Holder? {
        let parts = presented.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        guard presented.utf8.count <= 128, parts.count == 3, parts[0] == "plk", parts[1].count == 12 else { return nil }
        let hash = Self.sha256(presented)
        // Keyed by the whole key's hash: a hit is the very key that was checked, not its prefix.
        return try await caches.holders.value(for: hash) {
            let now = clock.now.timeIntervalSince1970
            guard let row = try await database.sql.raw("""
                SELECT k.id, k.user_id, k.tenant_id, k.scopes, k.key_hash, k.expires_at FROM auth_api_keys k JOIN auth_users u ON u.id = k.user_id
                WHERE k.prefix = \(bind: String(parts[1])) AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > \(bind: now))
                  AND u.disabled_at IS NULL
                """).first() else { return nil }
            guard SecretToken.constantTimeEquals(try row.decode(column: "key_hash", as: String.self), hash) else { return nil }
            let holder = Holder(
                key: try row.decode(column: "id", as: String.self), user: try row.decode(column: "user_id", as: String.self),
                tenant: try row.decode(column: "tenant_id", as: String?.self),
                scopes: Set(try row.decode(column: "scopes", as: String.self).split(separator: " ").map(String.init))
            )
            return .init(holder, tags: [AuthCaches.key(holder.key), AuthCaches.user(holder.user)] + (holder.tenant.map { [AuthCaches.tenant($0)] } ?? []),
                         until: try row.decode(column: "expires_at", as: Double?.self))
        }
    }

    /// Whether key `id` of `user` is live: not revoked or expired, its user not disabled.
    func isLive(id: String, user: String) async throws -> Bool {
        try await caches.keys.value(for: "\(id)|\(user)") {
            let now = clock.now.timeIntervalSince1970
            guard let row = try await database.sql.raw("""
                SELECT k.tenant_id, k.expires_at FROM auth_api_keys k JOIN auth_users u ON u.id = k.user_id
                WHERE k.id = \(bind: id) AND k.user_id = \(bind: user) AND k.revoked_at IS NULL
                  AND (k.expires_at IS NULL OR k.expires_at > \(bind: now)) AND u.disabled_at IS NULL
                """).first() else { return nil }
            let tenant = try row.decode(column: "tenant_id", as: String?.self)
            return .init(true, tags: [AuthCaches.key(id), AuthCaches.user(user)] + (tenant.map { [AuthCaches.tenant($0)] } ?? []),
                         until: try row.decode(column: "expires_at", as: Double?.self))
        } ?? false
    }

    /// Counts one request of `key` against its hourly limit; see ``APIKeyUsage``.
    func count(key: String) async throws -> APIKeyUsage.Usage {
        try await usage.count(key: key)
    }
}
