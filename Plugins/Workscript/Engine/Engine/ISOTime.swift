import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// `Date.prototype.toISOString()`: `2026-01-22T10:00:00.000Z`, written without a formatter
/// (one is made per call otherwise, and every edge stores a timestamp).
enum ISOTime {
    /// `new Date().toISOString()`. Nodes and edges stamp the current instant many times per
    /// millisecond, so the text is made once per millisecond and shared.
    static func now() -> String {
        let instant = split(Date().timeIntervalSince1970)
        if let text = last.withLock({ $0.whole == instant.whole && $0.millis == instant.millis ? $0.text : nil }) { return text }
        let text = format(instant.whole, instant.millis)
        last.withLock { $0 = (instant.whole, instant.millis, text) }
        return text
    }

    private static let last = Mutex<(whole: time_t, millis: Int, text: String)>((0, -1, ""))

    static func format(_ date: Date) -> String {
        let instant = split(date.timeIntervalSince1970)
        return format(instant.whole, instant.millis)
    }

    /// Whole seconds and milliseconds, both rounded down.
    private static func split(_ seconds: Double) -> (whole: time_t, millis: Int) {
        var whole = time_t(seconds.rounded(.down))
        var millis = Int(((seconds - Double(whole)) * 1000).rounded(.down))
        if millis >= 1000 { whole += 1; millis -= 1000 }
        return (whole, millis)
    }

    private static func format(_ seconds: time_t, _ millis: Int) -> String {
        var whole = seconds
        var parts = tm()
        gmtime_r(&whole, &parts)
        let fields = [(Int(parts.tm_year) + 1900, 4, UInt8(ascii: "-")), (Int(parts.tm_mon) + 1, 2, UInt8(ascii: "-")), (Int(parts.tm_mday), 2, UInt8(ascii: "T")),
                      (Int(parts.tm_hour), 2, UInt8(ascii: ":")), (Int(parts.tm_min), 2, UInt8(ascii: ":")), (Int(parts.tm_sec), 2, UInt8(ascii: ".")), (millis, 3, UInt8(ascii: "Z"))]
        return String(unsafeUninitializedCapacity: 24) { buffer in
            var at = 0
            for (value, width, separator) in fields {
                var rest = value
                for i in stride(from: width - 1, through: 0, by: -1) {
                    buffer[at + i] = UInt8(0x30 + rest % 10)
                    rest /= 10
                }
                at += width
                buffer[at] = separator
                at += 1
            }
            return at
        }
    }
}
