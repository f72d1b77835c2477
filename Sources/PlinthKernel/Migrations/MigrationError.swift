/// Why migrating stopped. Each case names plugin and migration.
public enum MigrationError: Error, CustomStringConvertible, Sendable {
    case failed(plugin: String, migration: String, message: String)
    case checksumChanged(plugin: String, migration: String, recorded: String, current: String)
    case irreversible(plugin: String, migration: String)
    case unknownPlugin(String)
    case duplicateName(plugin: String, migration: String)

    public var description: String {
        switch self {
        case let .failed(plugin, migration, message):
            return "migration '\(migration)' of plugin '\(plugin)' failed and was rolled back: \(message)"
        case let .checksumChanged(plugin, migration, recorded, current):
            return "migration '\(migration)' of plugin '\(plugin)' was edited after it was applied (checksum \(recorded.prefix(12)) recorded, \(current.prefix(12)) now); restore the original and add a new migration for the change, or if the edit is harmless run 'plinth migrate repair --plugin \(plugin)'"
        case let .irreversible(plugin, migration):
            return "migration '\(migration)' of plugin '\(plugin)' has no down SQL and cannot be reverted; add down SQL to it (a shared object registers it with register_migration_down, ABI 1.2), or revert by hand and delete its row from plinth_migrations"
        case let .unknownPlugin(id):
            return "no enabled plugin has the id '\(id)'; 'plinth plugins' lists them"
        case let .duplicateName(plugin, migration):
            return "plugin '\(plugin)' defines the migration '\(migration)' twice; give each migration a unique name"
        }
    }
}
