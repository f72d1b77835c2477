import Foundation

/// Cheap pieces of a log line: a UTC timestamp without DateFormatter, escaping with a fast
/// path for plain text, and one `write(2)` per line so lines from concurrent requests never
/// interleave (a pipe write below PIPE_BUF is atomic).
enum LogLineWriter {
    /// `2026-11-22T03:01:07.520Z`
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var out = [UInt8]()
        out.reserveCapacity(24)
        func digits(_ value: Int, _ count: Int) {
            var divisor = 1
            for _ in 1..<count { divisor *= 10 }
            var v = value
            while divisor > 0 {
                out.append(UInt8(48 + (v / divisor) % 10))
                v %= divisor
                divisor /= 10
            }
        }
        digits(Int(parts.tm_year) + 1900, 4); out.append(45)
        digits(Int(parts.tm_mon) + 1, 2); out.append(45)
        digits(Int(parts.tm_mday), 2); out.append(84)
        digits(Int(parts.tm_hour), 2); out.append(58)
        digits(Int(parts.tm_min), 2); out.append(58)
        digits(Int(parts.tm_sec), 2); out.append(46)
        digits(Int(now.tv_nsec) / 1_000_000, 3); out.append(90)
        return String(decoding: out, as: UTF8.self)
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
