/// Why a shared object was not loaded, worded for the operator: the file, what is wrong, and
/// what to do (in the manner of PostgreSQL's "incompatible library" errors).
public struct DylibLoadError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let problem: String
    public let hint: String

    public var description: String { "plugin file \"\(path)\": \(problem); \(hint)" }
}
