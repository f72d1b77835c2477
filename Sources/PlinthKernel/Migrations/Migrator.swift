import Foundation
import Logging
import SQLKit

/// Applies and reverts plugins' migrations, recording each in the kernel table `plinth_migrations`.
///
/// `up` runs under the cluster lock `plinth.migrations`, so N instances starting together on
/// one PostgreSQL apply each migration once: the first holds the lock and migrates, the others
/// wait, then find nothing pending.
public struct Migrator: Sendable {
    /// Plugins and their migrations, in dependency order.
    public let plugins: [(id: String, migrations: [Migration])]
    let database: Database
    let logger: Logger
    let metrics: KernelMetrics?

    public init(database: Database, plugins: [(id: String, migrations: [Migration])], logger: Logger, metrics: KernelMetrics? = nil) {
        self.database = database
        self.plugins = plugins
        self.logger = logger
        self.metrics = metrics
    }

    struct Record: Sendable {
        let checksum: String
        let appliedAt: String
        let duration: Double
    }

    /// The state of every migration of `plugin` (or of all plugins), in order.
    public func status(plugin: String? = nil) async throws -> [MigrationStatus] {
        let selected = try select(plugin)
        try await ensureTable()
        let records = try await recorded()
        var result: [MigrationStatus] = []
        for entry in selected {
            for migration in entry.migrations {
                let record = records[entry.id]?[migration.name]
                let state: MigrationStatus.State = record == nil ? .pending : (record!.checksum == migration.checksum ? .applied : .changed)
                result.append(MigrationStatus(plugin: entry.id, name: migration.name, state: state, appliedAt: record?.appliedAt, durationMilliseconds: record?.duration))
            }
            let defined = Set(entry.migrations.map(\.name))
            for (name, record) in (records[entry.id] ?? [:]).sorted(by: { $0.key < $1.key }) where !defined.contains(name) {
                result.append(MigrationStatus(plugin: entry.id, name: name, state: .unknown, appliedAt: record.appliedAt, durationMilliseconds: record.duration))
            }
        }
        return result
    }

    /// Pending migrations in the order `up` would apply them.
    public func plan(plugin: String? = nil) async throws -> [MigrationStatus] {
        try await status(plugin: plugin).filter { $0.state == .pending }
    }

    /// Applies every pending migration of `plugin` (or of all plugins, in dependency order).
    /// - Returns: the migrations applied, empty when there were none.
    /// - Throws: ``MigrationError/checksumChanged(plugin:migration:recorded:current:)`` before
    ///   applying anything when an applied migration was edited; ``MigrationError/failed(plugin:migration:message:)``
    ///   when a migration fails (it is rolled back; the ones before it stay applied).
    @discardableResult
    public func up(plugin: String? = nil) async throws -> [MigrationStatus] {
        let selected = try select(plugin)
        try validateNames(selected)
        return try await database.withClusterLock("plinth.migrations") {
            try await ensureTable()
            let records = try await recorded()
            for entry in selected {
                for migration in entry.migrations {
                    if let record = records[entry.id]?[migration.name], record.checksum != migration.checksum {
                        throw MigrationError.checksumChanged(plugin: entry.id, migration: migration.name, recorded: record.checksum, current: migration.checksum)
                    }
                }
            }
            var applied: [MigrationStatus] = []
            for entry in selected {
                for migration in entry.migrations where records[entry.id]?[migration.name] == nil {
                    applied.append(try await apply(migration, plugin: entry.id))
                }
            }
            return applied
        }
    }

    /// Reverts the last `steps` applied migrations of `plugin`, or of the whole set in reverse
    /// dependency order when `plugin` is `nil`.
    @discardableResult
    public func down(plugin: String? = nil, steps: Int = 1) async throws -> [MigrationStatus] {
        let selected = try select(plugin)
        return try await database.withClusterLock("plinth.migrations") {
            try await ensureTable()
            let records = try await recorded()
            var reverted: [MigrationStatus] = []
            for entry in selected.reversed() {
                for migration in entry.migrations.reversed() where records[entry.id]?[migration.name] != nil {
                    guard reverted.count < steps else { return reverted }
                    guard let down = migration.down else { throw MigrationError.irreversible(plugin: entry.id, migration: migration.name) }
                    do {
                        try await database.transaction { sql in
                            for statement in down.statements(for: database.kind) { try await sql.raw(SQLQueryString(statement)).run() }
                            try await sql.raw("DELETE FROM plinth_migrations WHERE plugin = \(bind: entry.id) AND name = \(bind: migration.name)").run()
                        }
                    } catch {
                        throw MigrationError.failed(plugin: entry.id, migration: migration.name + " (down)", message: DatabaseError.describe(error))
                    }
                    logger.info("reverted migration", metadata: ["plugin": "\(entry.id)", "migration": "\(migration.name)"])
                    reverted.append(MigrationStatus(plugin: entry.id, name: migration.name, state: .pending, appliedAt: nil, durationMilliseconds: nil))
                }
            }
            return reverted
        }
    }

    /// Accepts the current checksum of `plugin`'s edited migrations.
    @discardableResult
    public func repair(plugin: String) async throws -> [MigrationStatus] {
        let selected = try select(plugin)
        return try await database.withClusterLock("plinth.migrations") {
            let changed = try await status(plugin: plugin).filter { $0.state == .changed }
            for item in changed {
                let migration = selected[0].migrations.first { $0.name == item.name }!
                try await database.sql.raw("UPDATE plinth_migrations SET checksum = \(bind: migration.checksum) WHERE plugin = \(bind: plugin) AND name = \(bind: item.name)").run()
            }
            return changed
        }
    }

    private func apply(_ migration: Migration, plugin: String) async throws -> MigrationStatus {
        let started = ContinuousClock.now
        let appliedAt = Date().iso8601
        do {
            try await database.transaction { sql in
                // Another process on the same SQLite file (plinth migrate up beside serve) may have
                // applied it meanwhile; the write transaction makes this check reliable.
                let done = try await sql.raw("SELECT 1 AS done FROM plinth_migrations WHERE plugin = \(bind: plugin) AND name = \(bind: migration.name)").first()
                guard done == nil else { return }
                for statement in migration.up.statements(for: database.kind) {
                    try await sql.raw(SQLQueryString(statement)).run()
                }
                let elapsed = ContinuousClock.now - started
                let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
                try await sql.raw("""
                    INSERT INTO plinth_migrations (plugin, name, checksum, applied_at, duration_ms)
                    VALUES (\(bind: plugin), \(bind: migration.name), \(bind: migration.checksum), \(bind: appliedAt), \(bind: ms))
                    """).run()
            }
        } catch {
            metrics?.migrationFailed(plugin: plugin)
            throw MigrationError.failed(plugin: plugin, migration: migration.name, message: DatabaseError.describe(error))
        }
        let elapsed = ContinuousClock.now - started
        metrics?.migrationApplied(plugin: plugin, duration: elapsed)
        logger.info("applied migration", metadata: ["plugin": "\(plugin)", "migration": "\(migration.name)", "duration": "\(elapsed)"])
        return MigrationStatus(plugin: plugin, name: migration.name, state: .applied, appliedAt: appliedAt, durationMilliseconds: nil)
    }

    private func select(_ plugin: String?) throws -> [(id: String, migrations: [Migration])] {
        guard let plugin else { return plugins }
        guard let entry = plugins.first(where: { $0.id == plugin }) else { throw MigrationError.unknownPlugin(plugin) }
        return [entry]
    }

    private func validateNames(_ selected: [(id: String, migrations: [Migration])]) throws {
        for entry in selected {
            var seen: Set<String> = []
            for migration in entry.migrations where !seen.insert(migration.name).inserted {
                throw MigrationError.duplicateName(plugin: entry.id, migration: migration.name)
            }
        }
    }

    private func ensureTable() async throws {
        let durationType = database.kind == .sqlite ? "REAL" : "DOUBLE PRECISION"
        try await database.sql.raw("""
            CREATE TABLE IF NOT EXISTS plinth_migrations (
                plugin TEXT NOT NULL,
                name TEXT NOT NULL,
                checksum TEXT NOT NULL,
                applied_at TEXT NOT NULL,
                duration_ms \(unsafeRaw: durationType) NOT NULL,
                PRIMARY KEY (plugin, name)
            )
            """).run()
    }

    private func recorded() async throws -> [String: [String: Record]] {
        let rows = try await database.sql.raw("SELECT plugin, name, checksum, applied_at, duration_ms FROM plinth_migrations").all()
        var result: [String: [String: Record]] = [:]
        for row in rows {
            let plugin = try row.decode(column: "plugin", as: String.self)
            let name = try row.decode(column: "name", as: String.self)
            result[plugin, default: [:]][name] = Record(
                checksum: try row.decode(column: "checksum", as: String.self),
                appliedAt: try row.decode(column: "applied_at", as: String.self),
                duration: try row.decode(column: "duration_ms", as: Double.self)
            )
        }
        return result
    }
}
