import Foundation
import SQLKit

extension SecretStore {
    /// A random secret made on first use and kept sealed in `column` at row `row`, so that every
    /// instance and every restart uses the same one. A value stored in the clear by an earlier
    /// release is sealed in place and kept. Call from step 7 (boot), when the table exists.
    ///
    /// - Parameter make: the fresh secret, used only when no instance stored one yet.
    /// - Throws: ``SecretStoreError`` when the stored value does not open (another key: every
    ///   instance on one database needs the same `PLINTH_SECRET_KEY`).
    public func generated(_ row: String, in column: SealedColumn, database: Database, make: () -> String) async throws -> String {
        let owner = column.owner(row)
        let sql = database.sql
        let fresh = try seal(make(), for: owner)
        let (table, key, value) = (SQLIdentifier(column.table), SQLIdentifier(column.key), SQLIdentifier(column.value))
        switch database.kind {
        case .postgres:
            try await sql.raw("INSERT INTO \(table) (\(key), \(value)) VALUES (\(bind: row), \(bind: fresh)) ON CONFLICT (\(key)) DO NOTHING").run()
        case .sqlite:
            try await sql.raw("INSERT OR IGNORE INTO \(table) (\(key), \(value)) VALUES (\(bind: row), \(bind: fresh))").run()
        }
        guard let stored = try await sql.raw("SELECT \(value) AS v FROM \(table) WHERE \(key) = \(bind: row)").first()?.decode(column: "v", as: String.self) else {
            throw SecretStoreError(code: .malformed, owner: owner, detail: "the row was not stored")
        }
        guard Self.isSealed(stored) else {
            try await sql.raw("UPDATE \(table) SET \(value) = \(bind: try seal(stored, for: owner)) WHERE \(key) = \(bind: row) AND \(value) = \(bind: stored)").run()
            return stored
        }
        do { return try openString(stored, for: owner) } catch let error as SecretStoreError where error.code == .unknownKey {
            throw SecretStoreError(code: error.code, owner: owner, detail: error.detail + "; every instance on one database needs the same PLINTH_SECRET_KEY")
        }
    }

    /// What `plinth secrets reseal` did to one column.
    public struct ResealCount: Sendable, Equatable {
        public var resealed = 0
        public var current = 0
        public var failed: [SecretStoreError] = []
    }

    /// Seals every value of `column` that is in the clear or sealed with a previous key again
    /// with the current key. A value that does not open is left as it is and reported.
    public func reseal(_ column: SealedColumn, database: Database) async throws -> ResealCount {
        let sql = database.sql
        let (table, key, value) = (SQLIdentifier(column.table), SQLIdentifier(column.key), SQLIdentifier(column.value))
        var count = ResealCount()
        for row in try await sql.raw("SELECT \(key) AS k, \(value) AS v FROM \(table)").all() {
            let (name, stored) = (try row.decode(column: "k", as: String.self), try row.decode(column: "v", as: String.self))
            if isCurrent(stored) { count.current += 1; continue }
            let owner = column.owner(name)
            do {
                let plain = Self.isSealed(stored) ? try open(stored, for: owner) : Data(stored.utf8)
                try await sql.raw("UPDATE \(table) SET \(value) = \(bind: try seal(plain, for: owner)) WHERE \(key) = \(bind: name) AND \(value) = \(bind: stored)").run()
                count.resealed += 1
            } catch let error as SecretStoreError {
                count.failed.append(error)
            }
        }
        return count
    }
}
