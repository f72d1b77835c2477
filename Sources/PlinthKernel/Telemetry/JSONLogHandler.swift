import Foundation
import Logging

/// Writes one JSON object per line: `time`, `level`, `label`, `message`, then metadata.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let write: @Sendable (String) -> Void

    public init(label: String, level: Logger.Level = .info, write: @escaping @Sendable (String) -> Void = JSONLogHandler.standardError) {
        self.label = label
        self.logLevel = level
        self.write = write
    }

    /// Queues the line for standard error (see ``LogSink``).
    public static let standardError: @Sendable (String) -> Void = { LogSink.standardError.write($0) }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let level = event.level
        let message = event.message
        var explicit = event.metadata
        if let error = event.error { explicit = (explicit ?? [:]).merging(["error": .string("\(error)")]) { $1 } }
        let merged = Self.merge(provider: metadataProvider, handler: metadata, explicit: explicit)
        var line = "{\"time\":\"" + LogLineWriter.timestamp() + "\",\"level\":\"" + level.rawValue + "\",\"label\":" + LogLineWriter.jsonString(label)
        line += ",\"message\":" + LogLineWriter.jsonString(message.description)
        for (key, value) in merged where !["time", "level", "label", "message"].contains(key) {
            line += "," + LogLineWriter.jsonString(key) + ":" + Self.json(value)
        }
        write(line + "}")
    }

    /// Provider, handler and call-site metadata (later wins), sorted by key; avoids building
    /// merged dictionaries on the common paths.
    static func merge(provider: Logger.MetadataProvider?, handler: Logger.Metadata, explicit: Logger.Metadata?) -> [(key: String, value: Logger.Metadata.Value)] {
        var pairs: [(key: String, value: Logger.Metadata.Value)]
        let provided = provider?.get() ?? [:]
        let call = explicit ?? [:]
        if provided.isEmpty {
            pairs = handler.compactMap { call[$0.key] == nil ? ($0.key, $0.value) : nil } + call.map { ($0.key, $0.value) }
        } else {
            var merged = provided
            merged.merge(handler) { $1 }
            merged.merge(call) { $1 }
            pairs = merged.map { ($0.key, $0.value) }
        }
        pairs.sort { $0.key < $1.key }
        return pairs
    }

    /// A metadata value as JSON: strings as strings, arrays and dictionaries nested.
    static func json(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let s): LogLineWriter.jsonString(s)
        case .stringConvertible(let s): LogLineWriter.jsonString(s.description)
        case .array(let a): "[" + a.map(json).joined(separator: ",") + "]"
        case .dictionary(let d): "{" + d.sorted { $0.key < $1.key }.map { LogLineWriter.jsonString($0.key) + ":" + json($0.value) }.joined(separator: ",") + "}"
        }
    }
}
