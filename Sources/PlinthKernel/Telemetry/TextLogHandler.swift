import Foundation
import Logging

/// Readable one-line logs for development: `time level [label] message key=value ...`.
/// Values are quoted when they hold spaces, and control characters are escaped so that a
/// value carrying CR/LF cannot forge a second line.
public struct TextLogHandler: LogHandler {
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

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let level = event.level
        let message = event.message
        var explicit = event.metadata
        if let error = event.error { explicit = (explicit ?? [:]).merging(["error": .string("\(error)")]) { $1 } }
        var line = LogLineWriter.timestamp()
        line.reserveCapacity(160)
        line += " "
        line += Self.levelNames[level] ?? level.rawValue
        line += " ["
        line += label
        line += "] "
        line += Self.escape(message.description, quoteSpaces: false)
        for (key, value) in JSONLogHandler.merge(provider: metadataProvider, handler: metadata, explicit: explicit) {
            line += " "
            line += key
            line += "="
            line += Self.escape(value.description)
        }
        write(line)
    }

    static let levelNames: [Logger.Level: String] = Dictionary(uniqueKeysWithValues: Logger.Level.allCases.map { ($0, $0.rawValue.uppercased()) })

    /// A message as is but for control characters; a value quoted when it holds spaces, quotes
    /// or backslashes.
    static func escape(_ text: String, quoteSpaces: Bool = true) -> String {
        guard quoteSpaces else { return LogLineWriter.escape(text, quotes: false) }
        if !text.isEmpty, LogLineWriter.isPlain(text, allowSpaces: false) { return text }
        return "\"" + LogLineWriter.escape(text, quotes: true) + "\""
    }
}
