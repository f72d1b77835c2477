import Foundation

/// `new Date(value).getTime()` for `filter`'s date conditions: milliseconds since 1970 or `NaN`.
/// Text is read as ISO 8601 (date-only forms are UTC, date-times without an offset local,
/// which is UTC where upstream's fixtures run) or in the common informal forms JavaScriptCore
/// also accepts (`2024/01/15`, `01/15/2024`, `Jan 15 2024 10:00 GMT+0100`, weekday prefixes,
/// `am`/`pm`). Days past the month's end roll over, as JavaScriptCore lets them.
enum FilterDates {
    static func time(_ value: ScriptValue) throws(CaughtScriptError) -> Double {
        switch value {
        case .undefined: return .nan
        case .null: return 0
        case .bool(let flag): return flag ? 1 : 0
        case .number(let number): return clip(number)
        case .string(let text): return parse(text)
        case .array, .object: return parse(try ItemAccess.text(value))
        }
    }

    static func clip(_ time: Double) -> Double {
        guard time.isFinite, abs(time) <= 8.64e15 else { return .nan }
        return time.rounded(.towardZero) + 0
    }

    static func parse(_ text: String) -> Double {
        let trimmed = text.trimmingJSWhitespace()
        return iso(Array(trimmed.unicodeScalars)) ?? informal(trimmed) ?? .nan
    }

    /// Milliseconds of a civil date and time (UTC), with day and month overflow rolling on.
    static func milliseconds(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, millisecond: Double = 0) -> Double {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = month
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468 + (day - 1)
        return clip(Double(days) * 86_400_000 + Double(hour * 3_600_000 + minute * 60_000 + second * 1000) + millisecond)
    }

    // MARK: ISO 8601

    private static func iso(_ s: [Unicode.Scalar]) -> Double? {
        var i = 0
        func digits(_ count: Int) -> Int? {
            guard i + count <= s.count else { return nil }
            var value = 0
            for k in 0..<count {
                guard s[i + k].isASCII, let d = Int(String(s[i + k])) else { return nil }
                value = value * 10 + d
            }
            i += count
            return value
        }
        func take(_ c: Unicode.Scalar) -> Bool {
            if i < s.count, s[i] == c { i += 1; return true }
            return false
        }
        var year: Int
        if i < s.count, s[i] == "+" || s[i] == "-" {
            let negative = s[i] == "-"
            i += 1
            guard let y = digits(6), !(negative && y == 0) else { return nil }
            year = negative ? -y : y
        } else {
            guard let y = digits(4) else { return nil }
            year = y
        }
        var month = 1, day = 1
        if take("-") {
            guard let m = digits(2) else { return nil }
            month = m
            if take("-") { guard let d = digits(2) else { return nil }; day = d }
        }
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        var hour = 0, minute = 0, second = 0, millisecond = 0.0, offset = 0
        if i < s.count, ["T", "t", " "].contains(s[i]) {
            i += 1
            guard let h = digits(2), take(":"), let m = digits(2) else { return nil }
            hour = h; minute = m
            if take(":") {
                guard let sec = digits(2) else { return nil }
                second = sec
                if take(".") {
                    var fraction = ""
                    while i < s.count, s[i].isASCII, ("0"..."9").contains(s[i]) { fraction.unicodeScalars.append(s[i]); i += 1 }
                    guard !fraction.isEmpty else { return nil }
                    millisecond = Double(String(fraction.prefix(3)).padding(toLength: 3, withPad: "0", startingAt: 0)) ?? 0
                }
            }
            guard hour < 24 || (hour == 24 && minute == 0 && second == 0 && millisecond == 0), minute < 60, second < 60 else { return nil }
        }
        if take("Z") || take("z") {
            offset = 0
        } else if i < s.count, s[i] == "+" || s[i] == "-" {
            let sign = s[i] == "-" ? -1 : 1
            i += 1
            guard let h = digits(2) else { return nil }
            _ = take(":")
            guard let m = digits(2), h < 24, m < 60 else { return nil }
            offset = sign * (h * 60 + m)
        }
        guard i == s.count else { return nil }
        return milliseconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second, millisecond: millisecond) - Double(offset * 60_000)
    }

    // MARK: Informal forms

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    private static let weekdays = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    private static func informal(_ text: String) -> Double? {
        var rest = text.lowercased()
        while let open = rest.firstIndex(of: "("), let close = rest[open...].firstIndex(of: ")") { rest.removeSubrange(open...close) }
        var numbers: [Int] = [], month: Int? = nil
        var time: (Int, Int, Int, Double)? = nil, offset: Int? = nil, meridiem: String? = nil
        let tokens = tokenize(rest)
        var k = 0
        while k < tokens.count {
            let token = tokens[k]
            k += 1
            if let first = token.unicodeScalars.first, first.properties.isAlphabetic {
                if ["am", "pm"].contains(token) { meridiem = token; continue }
                if ["z", "ut", "utc", "gmt"].contains(token) { offset = offset ?? 0; continue }
                if token.count >= 3, let m = months.firstIndex(where: { token.hasPrefix($0) }), months[m].hasPrefix(String(token.prefix(3))) { month = m + 1; continue }
                if token.count >= 3, weekdays.contains(where: { token.hasPrefix($0) }) { continue }
                return nil
            }
            if token.hasPrefix("+") || (token.hasPrefix("-") && time != nil) {
                let sign = token.hasPrefix("-") ? -1 : 1
                let body = token.dropFirst().replacingOccurrences(of: ":", with: "")
                guard let value = Int(body) else { return nil }
                let minutes = body.count <= 2 ? value * 60 : (value / 100) * 60 + value % 100
                offset = sign * minutes
                continue
            }
            if token.contains(":") {
                let parts = token.split(separator: ":", omittingEmptySubsequences: false)
                guard parts.count >= 2, parts.count <= 3, let h = Int(parts[0]), let m = Int(parts[1]) else { return nil }
                var second = 0, millisecond = 0.0
                if parts.count == 3 {
                    let pieces = parts[2].split(separator: ".", omittingEmptySubsequences: false)
                    guard let sec = Int(pieces[0]) else { return nil }
                    second = sec
                    if pieces.count > 1 { millisecond = Double(String(pieces[1].prefix(3)).padding(toLength: 3, withPad: "0", startingAt: 0)) ?? 0 }
                }
                time = (h, m, second, millisecond)
                continue
            }
            if token.contains("/") || token.contains("-") {
                let parts = token.split(whereSeparator: { $0 == "/" || $0 == "-" })
                guard parts.allSatisfy({ Int($0) != nil }) else { return nil }
                numbers.append(contentsOf: parts.compactMap { Int($0) })
                continue
            }
            guard let number = Int(token) else { return nil }
            numbers.append(number)
        }
        // A leading number that cannot be a day is the year, then month and day (default 1);
        // otherwise month/day/year. With a month name: day and year, in either order.
        var year: Int, monthNumber: Int, day: Int
        if let month {
            guard let first = numbers.first, numbers.count <= 2 else { return nil }
            monthNumber = month
            if first > 31 { (year, day) = (first, numbers.count > 1 ? numbers[1] : 1) } else { (day, year) = (first, numbers.count > 1 ? numbers[1] : 2001) }
        } else if let first = numbers.first, first > 31, numbers.count <= 3 {
            (year, monthNumber, day) = (first, numbers.count > 1 ? numbers[1] : 1, numbers.count > 2 ? numbers[2] : 1)
        } else if numbers.count == 3 {
            (monthNumber, day, year) = (numbers[0], numbers[1], numbers[2])
        } else {
            return nil
        }
        if year < 50 { year += 2000 } else if year < 100 { year += 1900 }
        guard (1...12).contains(monthNumber), (1...31).contains(day) else { return nil }
        var (hour, minute, second, millisecond) = time ?? (0, 0, 0, 0)
        if let meridiem {
            guard (1...12).contains(hour) else { return nil }
            hour = hour % 12 + (meridiem == "pm" ? 12 : 0)
        }
        guard hour < 24 || (hour == 24 && minute == 0 && second == 0), minute < 60, second < 60 else { return nil }
        return milliseconds(year: year, month: monthNumber, day: day, hour: hour, minute: minute, second: second, millisecond: millisecond)
            - Double((offset ?? 0) * 60_000)
    }

    /// Words, numbers with their `/ - : .` joints, and signed offsets, split at spaces and commas.
    private static func tokenize(_ text: String) -> [String] {
        var tokens: [String] = [], current = ""
        func flush() { if !current.isEmpty { tokens.append(current); current = "" } }
        for c in text {
            switch c {
            case " ", ",", "\t": flush()
            case "+": flush(); current = "+"
            case "-" where !(current.last?.isNumber ?? false): flush(); current = "-"
            default:
                if let last = current.last, last.isLetter != c.isLetter, c.isLetter || last.isLetter { flush() }
                current.append(c)
            }
        }
        flush()
        return tokens
    }
}
