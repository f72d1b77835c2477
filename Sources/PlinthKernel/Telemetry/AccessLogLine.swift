import Logging

/// The fields of the one access-log line a request produces.
struct AccessLogLine: Sendable {
    let requestID: String
    let method: String
    let path: String
    let status: Int
    /// Milliseconds with two decimals, e.g. `1.09`.
    let duration: String
    let plugin: String
    let tenant: String?

    /// The same fields as swift-log metadata, for handlers without a fast path.
    var metadata: Logger.Metadata {
        var metadata: Logger.Metadata = [
            "request_id": .string(requestID), "method": .string(method), "path": .string(path),
            "status": .stringConvertible(status), "duration_ms": .string(duration), "plugin": .string(plugin),
        ]
        if let tenant { metadata["tenant"] = .string(tenant) }
        return metadata
    }

    /// Key/value pairs in the sorted order both formats use.
    var pairs: [(String, String)] {
        var pairs = [("duration_ms", duration), ("method", method), ("path", path), ("plugin", plugin), ("request_id", requestID), ("status", String(status))]
        if let tenant { pairs.append(("tenant", tenant)) }
        return pairs
    }
}

/// A log handler that can write an access line without going through swift-log's metadata
/// dictionaries: one line per request is the hottest logging there is. The line is the same
/// as `logger.info("request", metadata: line.metadata)` would write.
protocol AccessLogFormatting: LogHandler {
    /// Writes the line; `false` when the handler cannot take the fast path (it carries
    /// metadata of its own), so the caller logs normally.
    func writeAccess(_ line: AccessLogLine, label: String) -> Bool
}

extension TextLogHandler: AccessLogFormatting {
    func writeAccess(_ access: AccessLogLine, label: String) -> Bool {
        guard metadata.isEmpty, metadataProvider == nil, logLevel <= .info else { return false }
        var line = LogLineWriter.timestamp()
        line.reserveCapacity(200)
        line += " INFO ["
        line += self.label
        line += "] request"
        for (key, value) in access.pairs {
            line += " "
            line += key
            line += "="
            line += Self.escape(value)
        }
        write(line)
        return true
    }
}

extension JSONLogHandler: AccessLogFormatting {
    func writeAccess(_ access: AccessLogLine, label: String) -> Bool {
        guard metadata.isEmpty, metadataProvider == nil, logLevel <= .info else { return false }
        var line = "{\"time\":\"" + LogLineWriter.timestamp() + "\",\"level\":\"info\",\"label\":" + LogLineWriter.jsonString(self.label) + ",\"message\":\"request\""
        for (key, value) in access.pairs {
            line += ",\"" + key + "\":" + LogLineWriter.jsonString(value)
        }
        write(line + "}")
        return true
    }
}
