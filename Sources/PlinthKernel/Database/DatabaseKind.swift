/// Which engine a ``Database`` talks to.
public enum DatabaseKind: String, Sendable, Codable {
    /// The embedded default: one file, one process.
    case sqlite
    /// Production: several instances can share it.
    case postgres
}
