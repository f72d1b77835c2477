import Foundation

/// The `format`s the kernel checks on requests; any other format documents only.
///
/// - `uuid`: 8-4-4-4-12 hex digits.
/// - `date-time`: RFC 3339 (`2026-12-01T09:30:00Z`, fractions and offsets allowed).
/// - `date`: RFC 3339 full-date (`2026-12-01`).
/// - `email`: ``EmailAddress/problem(_:)``: one `@`, a domain, no invisible or look-alike tricks.
/// - `uri`: an absolute URI (with a scheme).
public enum SchemaFormat {
    /// Why `text` is not of `format`, or `nil` when it is (or the format is not checked).
    public static func problem(_ format: String, _ text: String) -> String? {
        switch format {
        case "uuid": UUID(uuidString: text) == nil ? "must be a UUID" : nil
        case "date-time": date(fromRFC3339: text) == nil ? "must be an RFC 3339 date-time, such as 2026-12-01T09:30:00Z" : nil
        case "date": day(text) == nil ? "must be a date, such as 2026-12-01" : nil
        case "email": EmailAddress.problem(text).map { "must be an email address: it \($0)" }
        case "uri": URL(string: text)?.scheme == nil || !text.contains(":") ? "must be an absolute URI" : nil
        default: nil
        }
    }

    /// Parses an RFC 3339 date-time: `T` or a space between date and time (either case), any
    /// number of fraction digits, `Z` or a `±HH:MM` offset. JSON bodies decode dates with it.
    public static func date(fromRFC3339 text: String) -> Date? {
        let s = Array(text.utf8)
        guard s.count >= 20, let (year, month, dayOfMonth) = day(String(decoding: s[0..<10], as: UTF8.self)),
              [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(s[10]),
              let hour = digits(s, 11, 2), s[13] == UInt8(ascii: ":"), let minute = digits(s, 14, 2),
              s[16] == UInt8(ascii: ":"), let second = digits(s, 17, 2),
              hour < 24, minute < 60, second <= 60 else { return nil }
        var index = 19
        var fraction = 0.0
        if index < s.count, s[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            let start = index
            while index < s.count, (48...57).contains(s[index]) {
                fraction += Double(s[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        guard index < s.count else { return nil }
        var offset = 0
        switch s[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard index + 1 == s.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == s.count, let h = digits(s, index + 1, 2), s[index + 3] == UInt8(ascii: ":"), let m = digits(s, index + 4, 2), h < 24, m < 60 else { return nil }
            offset = (h * 60 + m) * 60 * (s[index] == UInt8(ascii: "-") ? -1 : 1)
        default:
            return nil
        }
        var components = DateComponents()
        (components.year, components.month, components.day) = (year, month, dayOfMonth)
        (components.hour, components.minute, components.second) = (hour, minute, min(second, 59))
        guard let base = utc.date(from: components) else { return nil }
        return base.addingTimeInterval(fraction - Double(offset))
    }

    /// `YYYY-MM-DD` with a day that exists in that month.
    static func day(_ text: String) -> (Int, Int, Int)? {
        let s = Array(text.utf8)
        guard s.count == 10, let year = digits(s, 0, 4), s[4] == UInt8(ascii: "-"), let month = digits(s, 5, 2),
              s[7] == UInt8(ascii: "-"), let day = digits(s, 8, 2), (1...12).contains(month), day >= 1 else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1] ? (year, month, day) : nil
    }

    private static func digits(_ s: [UInt8], _ start: Int, _ count: Int) -> Int? {
        guard start + count <= s.count else { return nil }
        var value = 0
        for byte in s[start..<(start + count)] {
            guard (48...57).contains(byte) else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        return value
    }

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
