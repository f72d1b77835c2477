/// A configuration value that stops startup: names the key and says what is wrong with it.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public let key: String
    public let reason: String
    public init(key: String, reason: String) {
        self.key = key
        self.reason = reason
    }
    public var description: String { "configuration error: \(key) \(reason)" }
}
