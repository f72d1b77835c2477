/// Where one migration stands against the database.
public struct MigrationStatus: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Codable {
        /// Recorded, and the checksum matches.
        case applied
        /// Not yet applied.
        case pending
        /// Recorded with a different checksum: edited after it was applied.
        case changed
        /// Recorded, but the plugin no longer defines it.
        case unknown
    }
    public let plugin: String
    public let name: String
    public let state: State
    /// ISO 8601 time it was applied, if it was.
    public let appliedAt: String?
    public let durationMilliseconds: Double?
}
