import Crypto
import Foundation

/// One named, ordered schema change owned by a plugin.
///
/// Each statement runs on its own (drivers execute one statement per call); all of a
/// migration's statements run in one transaction with its bookkeeping row, so a failure leaves
/// nothing behind. The checksum covers the name and the SQL of both dialects: editing an
/// applied migration is detected and blocks `migrate up` until resolved.
///
/// ```swift
/// Migration("001_create_invoices",
///     up: ["CREATE TABLE billing_invoices (id TEXT PRIMARY KEY, total INTEGER NOT NULL)"],
///     down: ["DROP TABLE billing_invoices"])
/// ```
public struct Migration: Sendable, Hashable {
    /// Unique within the plugin; conventionally prefixed with a sortable number or timestamp.
    public let name: String
    public let up: MigrationSQL
    /// `nil` when the migration cannot be reverted; `migrate down` then stops with an error.
    public let down: MigrationSQL?

    /// A migration whose SQL is the same on SQLite and PostgreSQL.
    public init(_ name: String, up: [String], down: [String]? = nil) {
        self.init(name, up: MigrationSQL(sqlite: up, postgres: up), down: down.map { MigrationSQL(sqlite: $0, postgres: $0) })
    }

    /// A migration with SQL per dialect.
    public init(_ name: String, up: MigrationSQL, down: MigrationSQL? = nil) {
        self.name = name
        self.up = up
        self.down = down
    }

    /// SHA-256 (hex) of the name and the `up` SQL of both dialects.
    public var checksum: String {
        let text = ([name] + up.sqlite + ["--postgres--"] + up.postgres).joined(separator: "\n")
        return SHA256.hash(data: Data(text.utf8)).hexString
    }
}

/// Statements for each dialect.
public struct MigrationSQL: Sendable, Hashable {
    public var sqlite: [String]
    public var postgres: [String]
    public init(sqlite: [String], postgres: [String]) {
        self.sqlite = sqlite
        self.postgres = postgres
    }
    func statements(for kind: DatabaseKind) -> [String] {
        kind == .sqlite ? sqlite : postgres
    }
}
