import Foundation
import SQLKit

/// One row of the audit trail.
public struct AuditRecord: Sendable, Codable, Hashable {
    public var action: String
    public var actor: String?
    public var tenant: String?
    public var target: String?
    public var metadata: [String: String]
    public var requestID: String?
    /// The plugin that recorded it.
    public var plugin: String
    /// ISO 8601 UTC; filled in when recorded.
    public var time: String?

    public init(action: String, actor: String? = nil, tenant: String? = nil, target: String? = nil, metadata: [String: String] = [:], requestID: String? = nil, plugin: String, time: String? = nil) {
        self.action = action
        self.actor = actor
        self.tenant = tenant
        self.target = target
        self.metadata = metadata
        self.requestID = requestID
        self.plugin = plugin
        self.time = time
    }
}

/// The append-only audit trail in `plinth_audit_log`.
///
/// Rows can only be inserted: triggers on both backends refuse UPDATE and DELETE. Recording
/// inside a transaction joins it, so an action and its audit row commit or roll back together.
public struct AuditLog: Sendable {
    let database: Database
    let clock: any KernelClock

    public init(database: Database, clock: any KernelClock) {
        self.database = database
        self.clock = clock
    }

    public func record(_ record: AuditRecord) async throws {
        let time = clock.now.iso8601Milliseconds
        let metadata = String(decoding: try JSONEncoder().encode(record.metadata), as: UTF8.self)
        try await database.sql.raw("""
            INSERT INTO plinth_audit_log (id, at, actor, tenant, action, target, metadata, request_id, plugin)
            VALUES (\(bind: UUID().uuidString), \(bind: time), \(bind: record.actor), \(bind: record.tenant), \(bind: record.action),
                    \(bind: record.target), \(bind: metadata), \(bind: record.requestID), \(bind: record.plugin))
            """).run()
    }

    /// The newest `limit` rows, newest first, optionally only `action`.
    public func recent(limit: Int = 100, action: String? = nil) async throws -> [AuditRecord] {
        let filter: SQLQueryString = action.map { "WHERE action = \(bind: $0)" } ?? ""
        let rows = try await database.sql.raw("SELECT * FROM plinth_audit_log \(filter) ORDER BY at DESC, seq DESC LIMIT \(bind: limit)").all()
        return try rows.map { row in
            let metadata = try row.decode(column: "metadata", as: String.self)
            return AuditRecord(
                action: try row.decode(column: "action", as: String.self),
                actor: try row.decode(column: "actor", as: String?.self),
                tenant: try row.decode(column: "tenant", as: String?.self),
                target: try row.decode(column: "target", as: String?.self),
                metadata: (try? JSONDecoder().decode([String: String].self, from: Data(metadata.utf8))) ?? [:],
                requestID: try row.decode(column: "request_id", as: String?.self),
                plugin: try row.decode(column: "plugin", as: String.self),
                time: try row.decode(column: "at", as: String.self)
            )
        }
    }
}
