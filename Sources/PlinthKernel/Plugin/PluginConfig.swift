/// A plugin's settings: its own section `PLINTH_<ID>_<KEY>` (dots in the id become `_`), plus
/// read access to shared settings by their full names (`JWT_SECRET`, `STORAGE_BUCKET`) through
/// ``environment``.
///
/// ```swift
/// let currency = context.config.string("CURRENCY") ?? "EUR"      // PLINTH_BILLING_CURRENCY
/// let limit = try context.config.int("MAX_ITEMS", default: 100)   // PLINTH_BILLING_MAX_ITEMS
/// let secret = context.config.environment.string("JWT_SECRET", secret: true)
/// ```
public struct PluginConfig: Sendable {
    /// Every setting, by full name.
    public let environment: ConfigSource
    /// `PLINTH_<ID>_`.
    public let prefix: String

    public init(pluginID: String, environment: ConfigSource) {
        self.environment = environment
        self.prefix = "PLINTH_" + pluginID.uppercased().replacingOccurrences(of: ".", with: "_") + "_"
    }

    /// The full setting name for `key` in this plugin's section.
    public func key(_ key: String) -> String { prefix + key.uppercased() }

    public func string(_ key: String, secret: Bool = false) -> String? { environment.string(self.key(key), secret: secret) }
    public func int(_ key: String, default value: Int, range: ClosedRange<Int> = Int.min...Int.max) throws -> Int {
        try environment.int(self.key(key), default: value, range: range)
    }
    public func bool(_ key: String, default value: Bool) throws -> Bool { try environment.bool(self.key(key), default: value) }
    public func seconds(_ key: String, default value: Double, minimum: Double = 0) throws -> Double {
        try environment.seconds(self.key(key), default: value, minimum: minimum)
    }
}
