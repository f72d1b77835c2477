import Foundation

/// Cheap pieces of a log line: a UTC timestamp without DateFormatter, escaping with a fast
/// path for plain text, and one `write(2)` per line so lines from concurrent requests never
/// interleave (a pipe write below PIPE_BUF is atomic).
enum LogLineWriter {
    /// `2026-11-22T03:01:07.520Z`
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return InternetTime.format(seconds: Int(now.tv_sec), milliseconds: Int(now.tv_nsec) / 1_000_000)
    }

    /// Whether `text` needs escaping in a log value (control characters, quotes, backslashes, spaces).
    static func isPlain(_ text: String, allowSpaces: Bool) -> Bool {
        text.utf8.allSatisfy { b in b >= 0x20 && b != 0x7f && b != 0x22 && b != 0x5c && (allowSpaces || b != 0x20) }
    }

    /// A JSON string literal for `text`.
    static func jsonString(_ text: String) -> String {
        "\"" + escape(text, quotes: true) + "\""
    }

    /// `text` with control characters escaped (`\n`, `\r`, `\t`, `\u00XX`) so that no value can
    /// start a forged line; with `quotes`, also `"` and `\`.
    static func escape(_ text: String, quotes: Bool) -> String {
        if isPlain(text, allowSpaces: true) || (!quotes && !text.utf8.contains { $0 < 0x20 || $0 == 0x7f }) { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"" where quotes: out += "\\\""
            case "\\" where quotes: out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
