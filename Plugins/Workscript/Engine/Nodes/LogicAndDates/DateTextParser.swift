/// `new Date(text)` as Bun parses it (Bun follows V8's date parser): an ES5 ISO 8601 string
/// first (`2024-01-15`, `2024-01-15T10:30:00.5+02:00`; a date alone is UTC, a date with a
/// time and no offset is local time), else the lenient legacy forms (`Jan 5, 2024 3:00 PM`,
/// `01/15/2024`, `2024-01-15 10:30`, `Sat, 15 Mar 2025 14:30:00 GMT`), else `NaN`.
/// Local time is UTC here.
enum DateTextParser {
    static func parse(_ text: String) -> Double {
        var reader = Reader(Array(text.utf16))
        var scanner = Scanner(&reader)
        var day = DayParts(), time = TimeParts(), zone = ZoneParts()
        guard let first = isoPrefix(&scanner, &reader, &day, &time, &zone) else { return .nan }
        guard legacy(first, &scanner, &reader, &day, &time, &zone),
              let date = day.write(), let clock = time.write(), let offset = zone.write() else { return .nan }
        let value = DateCalendar.makeDate(DateCalendar.makeDay(date.year, date.month, date.day),
                                          DateCalendar.makeTime(clock.hour, clock.minute, clock.second, clock.ms))
        if let offset { return DateCalendar.clip(value - offset * 1000) }
        guard abs(value) <= 8.64e15 + 30 * DateCalendar.msPerDay else { return .nan }
        return DateCalendar.clip(value)
    }

    static let none = Int.max

    // MARK: tokens

    enum KeywordKind { case invalid, month, zone, timeSeparator, amPm }

    enum Token: Equatable {
        case invalid, unknown, end
        case number(Int, length: Int)
        case symbol(UInt16)
        case whiteSpace
        case keyword(KeywordKind, value: Int, length: Int)

        var isNumber: Bool { if case .number = self { true } else { false } }
        var number: Int { if case .number(let n, _) = self { n } else { 0 } }
        func isNumber(length: Int) -> Bool { if case .number(_, let l) = self { l == length } else { false } }
        func isSymbol(_ c: Character) -> Bool { self == .symbol(UInt16(c.asciiValue!)) }
        var sign: Int? {
            if case .symbol(let c) = self, c == 0x2B || c == 0x2D { return c == 0x2B ? 1 : -1 }
            return nil
        }
        var isZ: Bool { if case .keyword(.zone, 0, 1) = self { true } else { false } }
    }

    struct Reader {
        let units: [UInt16]
        var index = 0
        init(_ units: [UInt16]) { self.units = units }
        /// Code unit 0 ends the text, as it does for V8's reader.
        var current: UInt16 { index < units.count ? units[index] : 0 }
        var isEnd: Bool { current == 0 }
        var isDigit: Bool { current >= 0x30 && current <= 0x39 }
        var isSpace: Bool { [0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D].contains(current) }
        mutating func next() { index += 1 }
    }

    struct Scanner {
        var peek: Token
        init(_ reader: inout Reader) { peek = Scanner.scan(&reader) }

        mutating func next(_ reader: inout Reader) -> Token {
            let token = peek
            peek = Scanner.scan(&reader)
            return token
        }

        mutating func skip(_ symbol: Character, _ reader: inout Reader) -> Bool {
            guard peek.isSymbol(symbol) else { return false }
            peek = Scanner.scan(&reader)
            return true
        }

        static func scan(_ r: inout Reader) -> Token {
            let start = r.index
            if r.isEnd { return .end }
            if r.isDigit {
                var n = 0, significant = 0
                while r.current == 0x30 { r.next() }
                while r.isDigit {
                    if significant < 9 { n = n * 10 + Int(r.current - 0x30) }
                    significant += 1
                    r.next()
                }
                return .number(n, length: r.index - start)
            }
            for c: UInt16 in [0x3A, 0x2D, 0x2B, 0x2E, 0x29] where r.current == c {
                r.next()
                return .symbol(c)
            }
            if r.current >= 0x41, !r.isSpace {
                var prefix: [UInt16] = []
                var length = 0
                while r.current >= 0x41, !r.isSpace {
                    if length < 3 { prefix.append(r.current | 0x20) }
                    length += 1
                    r.next()
                }
                let (kind, value) = keyword(prefix, length)
                return .keyword(kind, value: value, length: length)
            }
            if r.isSpace || r.current == 0x2028 || r.current == 0x2029 {
                r.next()
                return .whiteSpace
            }
            if r.current == 0x28 {
                var balance = 0
                repeat {
                    if r.current == 0x29 { balance -= 1 } else if r.current == 0x28 { balance += 1 }
                    r.next()
                } while balance > 0 && !r.isEnd
                return .unknown
            }
            r.next()
            return .unknown
        }

        static let keywords: [(String, KeywordKind, Int)] = [
            ("jan", .month, 1), ("feb", .month, 2), ("mar", .month, 3), ("apr", .month, 4), ("may", .month, 5),
            ("jun", .month, 6), ("jul", .month, 7), ("aug", .month, 8), ("sep", .month, 9), ("oct", .month, 10),
            ("nov", .month, 11), ("dec", .month, 12), ("am", .amPm, 0), ("pm", .amPm, 12), ("ut", .zone, 0),
            ("utc", .zone, 0), ("z", .zone, 0), ("gmt", .zone, 0), ("cdt", .zone, -5), ("cst", .zone, -6),
            ("edt", .zone, -4), ("est", .zone, -5), ("mdt", .zone, -6), ("mst", .zone, -7), ("pdt", .zone, -7),
            ("pst", .zone, -8), ("t", .timeSeparator, 0),
        ]

        /// A word longer than its keyword matches only month names (`March`, `Marchxyz`).
        static func keyword(_ prefix: [UInt16], _ length: Int) -> (KeywordKind, Int) {
            let padded = prefix + Array(repeating: 0, count: 3 - prefix.count)
            for (name, kind, value) in keywords {
                let entry = Array(name.utf16) + Array(repeating: 0, count: 3 - name.utf16.count)
                if entry == padded && (length <= 3 || kind == .month) { return (kind, value) }
            }
            return (.invalid, 0)
        }
    }

    // MARK: composers

    struct DayParts {
        var parts: [Int] = []
        var namedMonth = DateTextParser.none
        var isISO = false

        static func isMonth(_ x: Int) -> Bool { (1...12).contains(x) }
        static func isDay(_ x: Int) -> Bool { (1...31).contains(x) }

        mutating func add(_ n: Int) -> Bool {
            guard parts.count < 3 else { return false }
            parts.append(n)
            return true
        }

        func write() -> (year: Double, month: Double, day: Double)? {
            guard !parts.isEmpty else { return nil }
            // V8 pads the parts to three before choosing an order, so its one- and two-part
            // branches never apply: "5" is May 1 2001.
            let c = parts + Array(repeating: 1, count: 3 - parts.count)
            var year = 0, month = DateTextParser.none, day = DateTextParser.none
            if namedMonth == DateTextParser.none {
                if isISO || !DayParts.isDay(c[0]) {
                    (year, month, day) = (c[0], c[1], c[2])
                } else {
                    (month, day, year) = (c[0], c[1], c[2])
                }
            } else {
                month = namedMonth
                if !DayParts.isDay(c[0]) { (year, day) = (c[0], c[1]) } else { (day, year) = (c[0], c[1]) }
            }
            if !isISO {
                if (0...49).contains(year) { year += 2000 } else if (50...99).contains(year) { year += 1900 }
            }
            guard DayParts.isMonth(month), DayParts.isDay(day) else { return nil }
            return (Double(year), Double(month - 1), Double(day))
        }
    }

    struct TimeParts {
        var parts: [Int] = []
        var hourOffset = DateTextParser.none
        var isEmpty: Bool { parts.isEmpty }

        func isExpecting(_ n: Int) -> Bool {
            (parts.count == 1 && (0...59).contains(n)) || (parts.count == 2 && (0...59).contains(n)) || (parts.count == 3 && (0...999).contains(n))
        }

        mutating func add(_ n: Int) -> Bool {
            guard parts.count < 4 else { return false }
            parts.append(n)
            return true
        }

        mutating func addFinal(_ n: Int) -> Bool {
            guard add(n) else { return false }
            while parts.count < 4 { parts.append(0) }
            return true
        }

        func write() -> (hour: Double, minute: Double, second: Double, ms: Double)? {
            var c = parts + Array(repeating: 0, count: 4 - parts.count)
            if hourOffset != DateTextParser.none {
                guard (0...12).contains(c[0]) else { return nil }
                c[0] = c[0] % 12 + hourOffset
            }
            if !(0...23).contains(c[0]) || !(0...59).contains(c[1]) || !(0...59).contains(c[2]) || !(0...999).contains(c[3]) {
                guard c[0] == 24, c[1] == 0, c[2] == 0, c[3] == 0 else { return nil }
            }
            return (Double(c[0]), Double(c[1]), Double(c[2]), Double(c[3]))
        }
    }

    struct ZoneParts {
        var sign = DateTextParser.none, hour = DateTextParser.none, minute = DateTextParser.none
        var isEmpty: Bool { hour == DateTextParser.none }
        var isUTC: Bool { hour == 0 && minute == 0 }

        mutating func set(_ offsetHours: Int) {
            sign = offsetHours < 0 ? -1 : 1
            hour = offsetHours * sign
            minute = 0
        }

        func isExpecting(_ n: Int) -> Bool { hour != DateTextParser.none && minute == DateTextParser.none && (0...59).contains(n) }

        /// The offset in seconds, `nil` inside when none was given (local time); `nil` outside
        /// when it is out of range.
        func write() -> Double?? {
            guard sign != DateTextParser.none else { return .some(nil) }
            let h = hour == DateTextParser.none ? 0 : hour, m = minute == DateTextParser.none ? 0 : minute
            let total = h * 3600 + m * 60
            guard total <= Int(Int32.max) else { return nil }
            return .some(Double(sign < 0 ? -total : total))
        }
    }

    static func millis(_ token: Token) -> Int {
        guard case .number(var n, var length) = token else { return 0 }
        if length == 1 { n *= 100 } else if length == 2 { n *= 10 } else if length > 3 {
            length = min(length, 9)
            var factor = 1
            while length > 3 { factor *= 10; length -= 1 }
            n /= factor
        }
        return n
    }

    // MARK: grammar

    /// As far as the text is an ES5 date-time string: `nil` when it breaks that grammar past the
    /// point of no return, otherwise the first token left for the legacy parser (`.end` when done).
    static func isoPrefix(_ s: inout Scanner, _ r: inout Reader, _ day: inout DayParts, _ time: inout TimeParts, _ zone: inout ZoneParts) -> Token? {
        if let sign = s.peek.sign {
            let signToken = s.next(&r)
            guard s.peek.isNumber(length: 6) else { return signToken }
            let year = s.next(&r).number
            if sign < 0 && year == 0 { return signToken }
            _ = day.add(sign * year)
        } else if s.peek.isNumber(length: 4) {
            _ = day.add(s.next(&r).number)
        } else {
            return s.next(&r)
        }
        if s.skip("-", &r) {
            guard s.peek.isNumber(length: 2), DayParts.isMonth(s.peek.number) else { return s.next(&r) }
            _ = day.add(s.next(&r).number)
            if s.skip("-", &r) {
                guard s.peek.isNumber(length: 2), DayParts.isDay(s.peek.number) else { return s.next(&r) }
                _ = day.add(s.next(&r).number)
            }
        }
        if case .keyword(.timeSeparator, _, _) = s.peek {
            _ = s.next(&r)
            guard s.peek.isNumber(length: 2), (0...24).contains(s.peek.number) else { return nil }
            let is24 = s.peek.number == 24
            _ = time.add(s.next(&r).number)
            guard s.skip(":", &r), s.peek.isNumber(length: 2), (0...59).contains(s.peek.number), !(is24 && s.peek.number > 0) else { return nil }
            _ = time.add(s.next(&r).number)
            if s.skip(":", &r) {
                guard s.peek.isNumber(length: 2), (0...59).contains(s.peek.number), !(is24 && s.peek.number > 0) else { return nil }
                _ = time.add(s.next(&r).number)
                if s.skip(".", &r) {
                    guard s.peek.isNumber, !(is24 && s.peek.number > 0) else { return nil }
                    _ = time.add(millis(s.next(&r)))
                }
            }
            if s.peek.isZ {
                _ = s.next(&r)
                zone.set(0)
            } else if let sign = s.peek.sign {
                _ = s.next(&r)
                zone.sign = sign
                if s.peek.isNumber(length: 4) {
                    let hm = s.next(&r).number
                    guard (0...23).contains(hm / 100), (0...59).contains(hm % 100) else { return nil }
                    (zone.hour, zone.minute) = (hm / 100, hm % 100)
                } else {
                    guard s.peek.isNumber(length: 2), (0...23).contains(s.peek.number) else { return nil }
                    zone.hour = s.next(&r).number
                    guard s.skip(":", &r), s.peek.isNumber(length: 2), (0...59).contains(s.peek.number) else { return nil }
                    zone.minute = s.next(&r).number
                }
            }
            guard s.peek == .end else { return nil }
        } else if s.peek != .end {
            return s.next(&r)
        }
        if zone.isEmpty && time.isEmpty { zone.set(0) }
        day.isISO = true
        return .end
    }

    /// The legacy forms, from `first` on; false when the text is not a date.
    static func legacy(_ first: Token, _ s: inout Scanner, _ r: inout Reader, _ day: inout DayParts, _ time: inout TimeParts, _ zone: inout ZoneParts) -> Bool {
        var hasReadNumber = !day.parts.isEmpty
        var token = first
        while token != .end {
            defer { token = s.next(&r) }
            switch token {
            case .number(let n, _):
                hasReadNumber = true
                if s.skip(":", &r) {
                    if s.skip(":", &r) {
                        guard time.isEmpty else { return false }
                        _ = time.add(n)
                        _ = time.add(0)
                    } else {
                        guard time.add(n) else { return false }
                        if s.peek.isSymbol(".") { _ = s.next(&r) }
                    }
                } else if s.peek.isSymbol("."), time.isExpecting(n) {
                    _ = s.skip(".", &r)
                    _ = time.add(n)
                    guard s.peek.isNumber else { return false }
                    _ = time.addFinal(millis(s.next(&r)))
                } else if s.peek.isSymbol(".") {
                    // V8 consumes the dot before finding the number is no time.
                    _ = s.skip(".", &r)
                    if !number(n, &s, &r, &day, &time, &zone) { return false }
                } else if !number(n, &s, &r, &day, &time, &zone) {
                    return false
                }
            case .keyword(let kind, let value, _):
                if kind == .amPm && !time.isEmpty {
                    time.hourOffset = value
                } else if kind == .month {
                    day.namedMonth = value
                    _ = s.skip("-", &r)
                } else if kind == .zone && hasReadNumber {
                    zone.set(value)
                } else {
                    if hasReadNumber { return false }
                    if s.peek.isNumber { return false }
                }
            case .symbol where token.sign != nil && (zone.isUTC || !time.isEmpty):
                zone.sign = token.sign!
                var n = 0, length = 0
                if s.peek.isNumber, case .number(let value, let l) = s.next(&r) { (n, length) = (value, l) }
                hasReadNumber = true
                if s.peek.isSymbol(":") {
                    zone.hour = n
                    zone.minute = DateTextParser.none
                } else if length == 1 || length == 2 {
                    (zone.hour, zone.minute) = (n, 0)
                } else if length == 3 || length == 4 {
                    (zone.hour, zone.minute) = (n / 100, n % 100)
                } else {
                    return false
                }
            case .symbol(let c) where (token.sign != nil || c == 0x29) && hasReadNumber:
                return false
            default:
                break
            }
        }
        return true
    }

    /// A number that is not followed by `:` or a time's `.`.
    static func number(_ n: Int, _ s: inout Scanner, _ r: inout Reader, _ day: inout DayParts, _ time: inout TimeParts, _ zone: inout ZoneParts) -> Bool {
        if zone.isExpecting(n) {
            zone.minute = n
        } else if time.isExpecting(n) {
            _ = time.addFinal(n)
            switch s.peek {
            case .end, .whiteSpace: break
            case let peek where peek.isZ || peek.sign != nil: break
            default: return false
            }
        } else {
            guard day.add(n) else { return false }
            _ = s.skip("-", &r)
        }
        return true
    }
}
