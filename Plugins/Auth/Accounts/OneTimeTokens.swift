import Foundation
import PlinthKernel
import SQLKit

/// Single-use tokens mailed to a user: password reset and email verification. Stored as keyed
/// hashes; a new token, or the use of one, retires every other token of the same purpose.
struct OneTimeTokens: Sendable {
    enum Purpose: String, Sendable {
        case passwordReset = "password_reset"
        case emailVerification = "email_verification"
    }

    let database: Database
    let clock: any KernelClock
    let secret: SecretToken
    /// `PASSWORD_RESET_EXPIRY`.
    let lifetime: Double
    /// `PASSWORD_RESET_TOKEN_LENGTH` hex characters.
    let length: Int

    /// A fresh token for `user`; earlier unused tokens of `purpose` stop working.
    func issue(user: String, purpose: Purpose) async throws -> String {
        let now = clock.now.timeIntervalSince1970
        let token = SecretToken.randomHex(length)
        try await database.transaction { sql in
            try await sql.raw("""
                UPDATE auth_one_time_tokens SET used_at = \(bind: now)
                WHERE user_id = \(bind: user) AND purpose = \(bind: purpose.rawValue) AND used_at IS NULL
                """).run()
            try await sql.raw("""
                INSERT INTO auth_one_time_tokens (id, user_id, purpose, token_hash, created_at, expires_at)
                VALUES (\(bind: UUID().uuidString.lowercased()), \(bind: user), \(bind: purpose.rawValue), \(bind: secret.hash(token)), \(bind: now), \(bind: now + lifetime))
                """).run()
        }
        return token
    }

    /// Uses `token` inside the caller's transaction. - Returns: its user, or `nil` when the
    /// token is unknown, used, expired or for another purpose.
    func consume(_ token: String, purpose: Purpose, on sql: any SQLDatabase) async throws -> String? {
        let now = clock.now.timeIntervalSince1970
        guard let row = try await sql.raw("""
            UPDATE auth_one_time_tokens SET used_at = \(bind: now)
            WHERE token_hash = \(bind: secret.hash(token)) AND purpose = \(bind: purpose.rawValue) AND used_at IS NULL AND expires_at > \(bind: now)
            RETURNING user_id
            """).first() else { return nil }
        let user = try row.decode(column: "user_id", as: String.self)
        try await sql.raw("""
            UPDATE auth_one_time_tokens SET used_at = \(bind: now)
            WHERE user_id = \(bind: user) AND purpose = \(bind: purpose.rawValue) AND used_at IS NULL
            """).run()
        return user
    }
}
