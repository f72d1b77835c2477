import Foundation

extension Date {
    /// RFC 3339 in UTC to the second (`2026-12-02T23:20:35Z`), as every JSON time Plinth sends.
    ///
    /// Formatted with `gmtime_r` and digits, not a formatter: `ISO8601DateFormatter` builds an
    /// ICU formatter per call, which on `GET /api/auth/me` was a third of the request's time,
    /// and a jobs page formats forty dates.
    public var iso8601: String { InternetTime.format(self, milliseconds: false) }

    /// As ``iso8601`` with milliseconds (`2026-12-02T23:20:35.123Z`), for ordering rows written
    /// within one second (audit, events).
    public var iso8601Milliseconds: String { InternetTime.format(self, milliseconds: true) }
}

extension JSONEncoder.DateEncodingStrategy {
    /// ``Foundation/Date/iso8601`` strings, the same text as `.iso8601` without a formatter.
    public static var internetTime: Self {
        .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.iso8601)
        }
    }
}

/// RFC 3339 UTC timestamps from a calendar breakdown.
enum InternetTime {
    static func format(_ date: Date, milliseconds: Bool) -> String {
        let interval = date.timeIntervalSince1970
        let whole = interval.rounded(.down)
        return format(seconds: Int(whole), milliseconds: milliseconds ? min(999, Int((interval - whole) * 1000)) : nil)
    }

    /// `seconds` since 1970 as `YYYY-MM-DDTHH:MM:SSZ`, with `.mmm` before the `Z` when given.
    static func format(seconds: Int, milliseconds: Int?) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { out in
            var at = 0
            func digits(_ value: Int, _ count: Int) {
                var value = value
                for place in stride(from: at + count - 1, through: at, by: -1) {
                    out[place] = UInt8(48 + value % 10)
                    value /= 10
                }
                at += count
            }
            func byte(_ value: UInt8) {
                out[at] = value
                at += 1
            }
            digits(Int(parts.tm_year) + 1900, 4); byte(45)
            digits(Int(parts.tm_mon) + 1, 2); byte(45)
            digits(Int(parts.tm_mday), 2); byte(84)
            digits(Int(parts.tm_hour), 2); byte(58)
            digits(Int(parts.tm_min), 2); byte(58)
            digits(Int(parts.tm_sec), 2)
            if let milliseconds {
                byte(46)
                digits(milliseconds, 3)
            }
            byte(90)
            return String(decoding: UnsafeBufferPointer(rebasing: out[..<at]), as: UTF8.self)
        }
    }
}
