import Configuration
import Foundation
import SystemPackage

/// Raw configuration values, read once at startup: the process environment first, then an
/// optional `.env` file, then the defaults each reader states.
///
/// Keys are the environment variable names (`PORT`, `DATABASE_URL`, `PLINTH_DATA_DIR`).
public struct ConfigSource: Sendable {
    let reader: ConfigReader

    /// Reads `environment` (default: the process's) and the `.env` file at `dotEnvPath` if it
    /// exists (default `.env` in the working directory; `nil` for none).
    public static func load(environment: [String: String]? = nil, dotEnvPath: String? = ".env") async throws -> ConfigSource {
        var providers: [any ConfigProvider] = [
            EnvironmentVariablesProvider(environmentVariables: environment ?? ProcessInfo.processInfo.environment)
        ]
        if let dotEnvPath, FileManager.default.fileExists(atPath: dotEnvPath) {
            do {
                providers.append(try await EnvironmentVariablesProvider(environmentFilePath: FilePath(dotEnvPath), allowMissing: true))
            } catch {
                throw ConfigurationError(key: dotEnvPath, reason: "cannot be read: \(error)")
            }
        }
        return ConfigSource(reader: ConfigReader(providers: providers))
    }

    /// A source holding exactly `values`; for tests and tools.
    public static func values(_ values: [String: String]) -> ConfigSource {
        ConfigSource(reader: ConfigReader(provider: EnvironmentVariablesProvider(environmentVariables: values)))
    }

    /// The value of `key`, or `nil` when unset or empty.
    public func string(_ key: String, secret: Bool = false) -> String? {
        guard let value = reader.string(forKey: ConfigKey([key]), isSecret: secret), !value.isEmpty else { return nil }
        return value
    }

    public func int(_ key: String, default value: Int, range: ClosedRange<Int> = Int.min...Int.max) throws -> Int {
        guard let text = string(key) else { return value }
        guard let number = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(number) else {
            let bounds = range == Int.min...Int.max ? "" : " between \(range.lowerBound) and \(range.upperBound)"
            throw ConfigurationError(key: key, reason: "must be a whole number\(bounds), not '\(text)'")
        }
        return number
    }

    public func bool(_ key: String, default value: Bool) throws -> Bool {
        guard let text = string(key) else { return value }
        switch text.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ConfigurationError(key: key, reason: "must be true or false, not '\(text)'")
        }
    }

    /// Seconds, given as a number of seconds or with a unit: `30`, `500ms`, `30s`, `15m`, `24h`, `7d`.
    public func seconds(_ key: String, default value: Double, minimum: Double = 0) throws -> Double {
        guard let text = string(key) else { return value }
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        var parsed: Double?
        if let plain = Double(trimmed) { parsed = plain }
        for (suffix, factor) in units where parsed == nil && trimmed.hasSuffix(suffix) {
            if let number = Double(trimmed.dropLast(suffix.count)) { parsed = number * factor }
        }
        guard let seconds = parsed, seconds.isFinite, seconds >= minimum else {
            throw ConfigurationError(key: key, reason: "must be a duration of at least \(minimum) s such as 30, 500ms, 15m or 24h, not '\(text)'")
        }
        return seconds
    }

    /// Bytes, given as a number or with a unit: `1048576`, `512kb`, `10mb`, `1gb`.
    public func bytes(_ key: String, default value: Int) throws -> Int {
        guard let text = string(key) else { return value }
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Int)] = [("kb", 1 << 10), ("mb", 1 << 20), ("gb", 1 << 30), ("k", 1 << 10), ("m", 1 << 20), ("g", 1 << 30), ("b", 1)]
        if let plain = Int(trimmed), plain > 0 { return plain }
        for (suffix, factor) in units where trimmed.hasSuffix(suffix) {
            if let number = Int(trimmed.dropLast(suffix.count)), number > 0 { return number * factor }
        }
        throw ConfigurationError(key: key, reason: "must be a positive size such as 1048576, 512kb or 10mb, not '\(text)'")
    }

    /// One of `choices` (case-insensitive).
    public func choice(_ key: String, default value: String, choices: [String]) throws -> String {
        guard let text = string(key) else { return value }
        guard let match = choices.first(where: { $0.caseInsensitiveCompare(text) == .orderedSame }) else {
            throw ConfigurationError(key: key, reason: "must be one of \(choices.joined(separator: ", ")), not '\(text)'")
        }
        return match
    }

    /// A comma-separated list; empty items are dropped.
    public func list(_ key: String) -> [String]? {
        string(key).map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }
}
