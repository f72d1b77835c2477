import Logging

/// Log handler factories for the kernel's two formats.
public enum LogHandlers {
    /// `text` (readable, development) or `json` (one object per line) at `level`.
    public static func factory(format: String, level: Logger.Level, write: @escaping @Sendable (String) -> Void = JSONLogHandler.standardError) -> @Sendable (String) -> any LogHandler {
        if format == "json" {
            return { JSONLogHandler(label: $0, level: level, write: write) }
        }
        return { TextLogHandler(label: $0, level: level, write: write) }
    }
}
