import Foundation
import PlinthKernel
import SQLKit

/// Rows of `auth_users`, and the lockout counter kept on them.
struct UserStore: Sendable {
    let database: Database
    let clock: any KernelClock
    let caches: AuthCaches

    /// Emails are stored and compared in one form; see ``EmailAddress/normalize(_:)``.
    static func normalize(email: String) -> String { EmailAddress.normalize(email) }

    static let columns = "id, email, name, password_hash, email_verified_at, failed_attempts, locked_until, disabled_at, created_at"

    static func user(_ row: any SQLRow) throws -> User {
        User(
            id: try row.decode(column: "id", as: String.self), email: try row.decode(column: "email", as: String.self),
            name: try row.decode(column: "name", as: String?.self), passwordHash: try row.decode(column: "password_hash", as: String?.self),
            emailVerified: try row.decode(column: "email_verified_at", as: Double?.self) != nil,
            failedAttempts: try row.decode(column: "failed_attempts", as: Int.self), lockedUntil: try row.decode(column: "locked_until", as: Double?.self),
            disabled: try row.decode(column: "disabled_at", as: Double?.self) != nil, createdAt: try row.decode(column: "created_at", as: Double.self)
        )
    }

    func find(email: String) async throws -> User? {
        try await database.sql.raw("SELECT \(unsafeRaw: Self.columns) FROM auth_users WHERE email = \(bind: Self.normalize(email: email))").first().map(Self.user)
    }

    func find(id: String) async throws -> User? {
        try await database.sql.raw("SELECT \(unsafeRaw: Self.columns) FROM auth_users WHERE id = \(bind: id)").first().map(Self.user)
    }

    /// Inserts an account. - Returns: `nil` when the email is taken.
    func create(email: String, name: String?, passwordHash: String?, emailVerified: Bool = false) async throws -> User? {
        let now = clock.now.timeIntervalSince1970
        let id = UUID().uuidString.lowercased()
        let email = Self.normalize(email: email)
        let inserted: Bool
        switch database.kind {
        case .postgres:
            inserted = try await database.sql.raw("""
                INSERT INTO auth_users (id, email, name, password_hash, email_verified_at, created_at, updated_at)
                VALUES (\(bind: id), \(bind: email), \(bind: name), \(bind: passwordHash), \(bind: emailVerified ? now : nil), \(bind: now), \(bind: now))
                ON CONFLICT (email) DO NOTHING RETURNING id
                """).first() != nil
        case .sqlite:
            inserted = try await database.sql.raw("""
                INSERT OR IGNORE INTO auth_users (id, email, name, password_hash, email_verified_at, created_at, updated_at)
                VALUES (\(bind: id), \(bind: email), \(bind: name), \(bind: passwordHash), \(bind: emailVerified ? now : nil), \(bind: now), \(bind: now))
                RETURNING id
                """).first() != nil
        }
        return inserted ? try await find(id: id) : nil
    }

    /// Charges one login attempt to `user` before its password is checked, in one statement so
    /// that parallel attempts cannot all pass a check made before any of them is counted.
    ///
    /// The count holds failures and attempts still being checked. An attempt is refused while the
    /// account is locked, or when `limit` attempts are already counted; a lock that has run out
    /// starts the count again.
    /// - Returns: whether the attempt may check the password.
    func charge(user: String, limit: Int) async throws -> Bool {
        let now = clock.now.timeIntervalSince1970
        return try await database.sql.raw("""
            UPDATE auth_users SET
                failed_attempts = CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failed_attempts + 1 END,
                locked_until = NULL
            WHERE id = \(bind: user)
              AND ((locked_until IS NULL AND failed_attempts < \(bind: limit)) OR locked_until <= \(bind: now))
            RETURNING id
            """).first() != nil
    }

    /// After a charged attempt gave the wrong password: the failure stays counted, and once
    /// `limit` are counted the account locks for `duration`.
    /// - Returns: whether this attempt locked the account.
    func recordFailure(user: String, limit: Int, duration: Double) async throws -> Bool {
        let now = clock.now.timeIntervalSince1970
        return try await database.sql.raw("""
            UPDATE auth_users SET locked_until = \(bind: now + duration)
            WHERE id = \(bind: user) AND locked_until IS NULL AND failed_attempts >= \(bind: limit) RETURNING id
            """).first() != nil
    }

    /// A charged attempt that gave the right password clears the count.
    func recordSuccess(user: String) async throws {
        try await database.sql.raw("UPDATE auth_users SET failed_attempts = 0, locked_until = NULL WHERE id = \(bind: user)").run()
    }

    func setPassword(user: String, hash: String, on sql: (any SQLDatabase)? = nil) async throws {
        let now = clock.now.timeIntervalSince1970
        try await (sql ?? database.sql).raw("UPDATE auth_users SET password_hash = \(bind: hash), failed_attempts = 0, locked_until = NULL, updated_at = \(bind: now) WHERE id = \(bind: user)").run()
    }

    func markEmailVerified(user: String, on sql: (any SQLDatabase)? = nil) async throws {
        let now = clock.now.timeIntervalSince1970
        try await (sql ?? database.sql).raw("UPDATE auth_users SET email_verified_at = COALESCE(email_verified_at, \(bind: now)), updated_at = \(bind: now) WHERE id = \(bind: user)").run()
    }

    func setDisabled(user: String, _ disabled: Bool) async throws {
        let now = clock.now.timeIntervalSince1970
        try await database.sql.raw("UPDATE auth_users SET disabled_at = \(bind: disabled ? now : nil), updated_at = \(bind: now) WHERE id = \(bind: user)").run()
        try await caches.invalidate(AuthCaches.user(user))
    }
}
