import Crypto
import Foundation
import SQLKit

/// A stored session: its data, optional subject (the signed-in user) and times (Unix seconds).
public struct SessionRecord: Sendable, Hashable {
    public var data: [String: String]
    public var subject: String?
    public var createdAt: Double
    public var expiresAt: Double
}

/// Cookie sessions kept in the database (`plinth_sessions`), so they survive restarts and are
/// shared by every instance.
///
/// Ids carry 256 random bits and only their SHA-256 is stored: a leaked table cannot be
/// replayed. A session ends `SESSION_EXPIRY` (default 24 h) after creation, or after
/// `SESSION_IDLE_TIMEOUT` (default 30 min) without a request, whichever comes first.
public struct SessionStore: Sendable {
    let database: Database
    let clock: any KernelClock
    /// Seconds from creation to expiry.
    public let expiry: Double
    /// Seconds without use after which a session ends; 0 = never.
    public let idleTimeout: Double
    /// Use is recorded at most this often per session, so a busy session does not write on
    /// every request; idle expiry is exact to within this many seconds.
    static let touchInterval = 30.0

    public init(database: Database, clock: any KernelClock, expiry: Double, idleTimeout: Double = 0) {
        self.database = database
        self.clock = clock
        self.expiry = expiry
        self.idleTimeout = idleTimeout
    }

    static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func hash(_ id: String) -> String {
        SHA256.hash(data: Data(id.utf8)).hexString
    }

    /// Creates a session and returns its id (to put in the cookie).
    public func create(data: [String: String] = [:], subject: String? = nil) async throws -> String {
        let id = Self.newID()
        let now = clock.now.timeIntervalSince1970
        let json = String(decoding: try JSONEncoder().encode(data), as: UTF8.self)
        try await database.sql.raw("""
            INSERT INTO plinth_sessions (id_hash, subject, data, created_at, last_seen_at, expires_at)
            VALUES (\(bind: Self.hash(id)), \(bind: subject), \(bind: json), \(bind: now), \(bind: now), \(bind: now + expiry))
            """).run()
        return id
    }

    /// The session `id`, or `nil` when unknown, expired or idle too long. Loading counts as use.
    public func load(_ id: String) async throws -> SessionRecord? {
        let now = clock.now.timeIntervalSince1970
        let idleCutoff = idleTimeout > 0 ? now - idleTimeout : -Double.greatestFiniteMagnitude
        let hash = Self.hash(id)
        guard let row = try await database.sql.raw("""
            SELECT subject, data, created_at, expires_at, last_seen_at FROM plinth_sessions
            WHERE id_hash = \(bind: hash) AND expires_at > \(bind: now) AND last_seen_at > \(bind: idleCutoff)
            """).first() else {
            return nil
        }
        if idleTimeout > 0, try row.decode(column: "last_seen_at", as: Double.self) < now - Self.touchInterval {
            try await database.sql.raw("UPDATE plinth_sessions SET last_seen_at = \(bind: now) WHERE id_hash = \(bind: hash)").run()
        }
        let data = try row.decode(column: "data", as: String.self)
        return SessionRecord(
            data: (try? JSONDecoder().decode([String: String].self, from: Data(data.utf8))) ?? [:],
            subject: try row.decode(column: "subject", as: String?.self),
            createdAt: try row.decode(column: "created_at", as: Double.self),
            expiresAt: try row.decode(column: "expires_at", as: Double.self)
        )
    }

    /// Replaces the data and subject of session `id`.
    public func save(_ id: String, data: [String: String], subject: String?) async throws {
        let json = String(decoding: try JSONEncoder().encode(data), as: UTF8.self)
        try await database.sql.raw("UPDATE plinth_sessions SET data = \(bind: json), subject = \(bind: subject), last_seen_at = \(bind: clock.now.timeIntervalSince1970) WHERE id_hash = \(bind: Self.hash(id))").run()
    }

    /// Gives the session a new id and invalidates the old one (for login: stops session fixation).
    /// The expiry starts again from now. - Returns: the new id, or `nil` if `id` was not live.
    public func rotate(_ id: String) async throws -> String? {
        try await database.transaction { _ in
            guard let record = try await load(id) else { return nil }
            try await destroy(id)
            return try await create(data: record.data, subject: record.subject)
        }
    }

    /// Ends session `id` server-side; its cookie is worthless from now on.
    public func destroy(_ id: String) async throws {
        try await database.sql.raw("DELETE FROM plinth_sessions WHERE id_hash = \(bind: Self.hash(id))").run()
    }

    /// Ends every session of `subject` (sign out everywhere). - Returns: how many.
    @discardableResult
    public func destroyAll(subject: String) async throws -> Int {
        let rows = try await database.sql.raw("DELETE FROM plinth_sessions WHERE subject = \(bind: subject) RETURNING id_hash").all()
        return rows.count
    }

    /// Deletes expired sessions. - Returns: how many.
    @discardableResult
    public func purgeExpired() async throws -> Int {
        let now = clock.now.timeIntervalSince1970
        let idleCutoff = idleTimeout > 0 ? now - idleTimeout : -Double.greatestFiniteMagnitude
        let rows = try await database.sql.raw("DELETE FROM plinth_sessions WHERE expires_at <= \(bind: now) OR last_seen_at <= \(bind: idleCutoff) RETURNING id_hash").all()
        return rows.count
    }
}
