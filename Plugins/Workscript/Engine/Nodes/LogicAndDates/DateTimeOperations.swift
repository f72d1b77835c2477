import Foundation

/// The operations of ``DateTimeNode``, each as upstream's `DateTimeNode` method of the same
/// purpose: the date comes from `field`, results are time values turned into ISO text, and
/// what JavaScript would throw is a ``ScriptFailure`` with Bun's message.
struct DateTimeOperations {
    var context: NodeContext
    let config: ScriptObject

    init(context: NodeContext, config: ScriptObject) {
        self.context = context
        self.config = config
    }

    var field: ScriptValue { config["field"] }
    var inputFormat: ScriptValue { config["inputFormat"] }

    // MARK: reading the date

    /// State key, else input key, else a dotted path walked through the state.
    func fieldValue() throws(ScriptFailure) -> ScriptValue {
        let key = field.jsString
        if context.state.contains(key) { return context.state[key] }
        if context.hasInput(key) { return context.input(key) }
        let segments = try ScriptFailure.splitPath(field, receiver: "field")
        var value = ScriptValue.object(context.state)
        for segment in segments {
            guard value.isTruthy, value.typeOf == "object", ScriptAccess.has(value, segment) else {
                throw ScriptFailure("Field not found: \(key)")
            }
            value = ScriptAccess.get(value, segment)
        }
        return value
    }

    func date(_ value: ScriptValue) throws(ScriptFailure) -> Double {
        switch value {
        case .number(let number): return DateCalendar.clip(number)
        case .string(let text):
            guard inputFormat.isTruthy else {
                let time = DateTextParser.parse(text)
                if time.isNaN { throw ScriptFailure("Invalid date string: \(text)") }
                return time
            }
            return try date(text, format: inputFormat.jsString)
        default: throw ScriptFailure("Cannot parse date from value: \(value.jsString)")
        }
    }

    func fieldDate() throws(ScriptFailure) -> Double { try date(fieldValue()) }

    /// The four fixed patterns; any other format falls back to JavaScript's parsing.
    func date(_ text: String, format: String) throws(ScriptFailure) -> Double {
        let layouts = ["YYYY-MM-DD": "dddd-dd-dd", "MM/DD/YYYY": "dd/dd/dddd", "DD/MM/YYYY": "dd/dd/dddd", "YYYY/MM/DD": "dddd/dd/dd"]
        guard let layout = layouts[format] else {
            let time = DateTextParser.parse(text)
            if time.isNaN { throw ScriptFailure("Unsupported format: \(format)") }
            return time
        }
        let units = Array(text.utf16), shape = Array(layout.utf16)
        guard units.count == shape.count, zip(units, shape).allSatisfy({ u, s in s == 0x64 ? (0x30...0x39).contains(u) : u == s }) else {
            throw ScriptFailure("Date string doesn't match format \(format)")
        }
        func number(_ range: Range<Int>) -> Double { Double(String(utf16CodeUnits: Array(units[range]), count: range.count))! }
        let (year, month, day): (Double, Double, Double)
        switch format {
        case "MM/DD/YYYY": (month, day, year) = (number(0..<2), number(3..<5), number(6..<10))
        case "DD/MM/YYYY": (day, month, year) = (number(0..<2), number(3..<5), number(6..<10))
        default: (year, month, day) = (number(0..<4), number(5..<7), number(8..<10))
        }
        return DateCalendar.fromComponents(year, month - 1, day)
    }

    func iso(_ time: Double) throws(ScriptFailure) -> String {
        guard let text = DateCalendar.isoString(time) else { throw ScriptFailure(DateCalendar.invalidDate, name: "RangeError") }
        return text
    }

    /// A `Date` stored in the state: its ISO text, `null` when invalid (what JSON makes of it).
    func stored(_ time: Double) -> ScriptValue {
        DateCalendar.isoString(time).map { .string($0) } ?? .null
    }

    // MARK: operations

    func format() throws(ScriptFailure) -> ScriptValue {
        let time = try fieldDate()
        let pattern = config["outputFormat"]
        guard pattern.isTruthy else { return .string(try iso(time)) }
        guard case .string(let patternText) = pattern else {
            throw ScriptFailure.notAFunction("pattern.replace", call: "pattern.replace(\"YYYY\", String(year))", value: "undefined")
        }
        let f = DateCalendar.fields(time)
        func text(_ value: Double?) -> String { ScriptNumber.format(value ?? .nan) }
        func pad(_ value: Double?) -> String {
            let s = text(value)
            return s.utf16.count < 2 ? String(repeating: "0", count: 2 - s.utf16.count) + s : s
        }
        let year = text(f?.year)
        let tokens: [(String, String)] = [
            ("YYYY", year), ("YY", String(year.suffix(2))), ("MM", pad(f.map { $0.month + 1 })), ("M", text(f.map { $0.month + 1 })),
            ("DD", pad(f?.day)), ("D", text(f?.day)), ("HH", pad(f?.hour)), ("H", text(f?.hour)),
            ("mm", pad(f?.minute)), ("m", text(f?.minute)), ("ss", pad(f?.second)), ("s", text(f?.second)),
        ]
        var out = patternText
        for (token, value) in tokens { out = DateTimeOperations.replaceFirst(token, with: value, in: out) }
        return .string(out)
    }

    /// `String.prototype.replace` with a string pattern: the first occurrence, by UTF-16 units.
    static func replaceFirst(_ token: String, with replacement: String, in text: String) -> String {
        let units = Array(text.utf16), needle = Array(token.utf16)
        guard units.count >= needle.count else { return text }
        for start in 0...(units.count - needle.count) where Array(units[start..<start + needle.count]) == needle {
            let result = Array(units[..<start]) + Array(replacement.utf16) + Array(units[(start + needle.count)...])
            return String(utf16CodeUnits: result, count: result.count)
        }
        return text
    }

    func parse() throws(ScriptFailure) -> ScriptValue { stored(try fieldDate()) }

    /// add (amount as given) and subtract (its negation): `date.setX(date.getX() + amount)`,
    /// with JavaScript's `+`, so a string amount concatenates before the setter reads it.
    func shift(by amount: ScriptValue) throws(ScriptFailure) -> ScriptValue {
        var time = try fieldDate()
        let f = DateCalendar.fields(time)
        func plus(_ component: Double?) -> Double { ScriptOperators.add(.number(component ?? .nan), amount).jsNumber }
        switch config["unit"].stringValue {
        case "years": time = DateCalendar.setFullYear(time, plus(f?.year))
        case "months": time = DateCalendar.setMonth(time, plus(f?.month))
        case "weeks": time = DateCalendar.setDate(time, (f?.day ?? .nan) + amount.jsNumber * 7)
        case "days": time = DateCalendar.setDate(time, plus(f?.day))
        case "hours": time = DateCalendar.setHours(time, plus(f?.hour))
        case "minutes": time = DateCalendar.setMinutes(time, plus(f?.minute))
        case "seconds": time = DateCalendar.setSeconds(time, plus(f?.second))
        case "milliseconds": time = DateCalendar.setMilliseconds(time, plus(f?.millisecond))
        default: break
        }
        return .string(try iso(time))
    }

    func round() throws(ScriptFailure) -> ScriptValue {
        var t = try fieldDate()
        func field(_ read: (DateCalendar.Fields) -> Double) -> Double { DateCalendar.fields(t).map(read) ?? .nan }
        switch config["roundTo"].stringValue {
        case "start_of_day": t = DateCalendar.setHours(t, 0, 0, 0, 0)
        case "end_of_day": t = DateCalendar.setHours(t, 23, 59, 59, 999)
        case "start_of_week":
            t = DateCalendar.setDate(t, field(\.day) - field(\.weekday))
            t = DateCalendar.setHours(t, 0, 0, 0, 0)
        case "end_of_week":
            t = DateCalendar.setDate(t, field(\.day) + (6 - field(\.weekday)))
            t = DateCalendar.setHours(t, 23, 59, 59, 999)
        case "start_of_month":
            t = DateCalendar.setDate(t, 1)
            t = DateCalendar.setHours(t, 0, 0, 0, 0)
        case "end_of_month":
            t = DateCalendar.setMonth(t, field(\.month) + 1)
            t = DateCalendar.setDate(t, 0)
            t = DateCalendar.setHours(t, 23, 59, 59, 999)
        case "start_of_year":
            t = DateCalendar.setMonth(t, 0, 1)
            t = DateCalendar.setHours(t, 0, 0, 0, 0)
        case "end_of_year":
            t = DateCalendar.setMonth(t, 11, 31)
            t = DateCalendar.setHours(t, 23, 59, 59, 999)
        default: break
        }
        return .string(try iso(t))
    }

    mutating func compare() throws(ScriptFailure) -> NodeEdge {
        let time1 = try fieldDate()
        let time2 = try date(config["compareWith"])
        let operation = config["compareOperation"].isUndefined ? ScriptValue.string("is_before") : config["compareOperation"]
        var result = false
        let edge: String
        switch operation.stringValue {
        case "is_before": result = time1 < time2; edge = result ? "is_before" : "is_not_before"
        case "is_after": result = time1 > time2; edge = result ? "is_after" : "is_not_after"
        case "is_same": result = time1 == time2; edge = result ? "is_same" : "is_not_same"
        default: edge = "error"
        }
        let date1 = ScriptValue.string(try iso(time1)), date2 = ScriptValue.string(try iso(time2))
        context.state["dateTimeCompared"] = ["result": .bool(result), "operation": operation, "date1": date1, "date2": date2]
        return NodeEdge(edge, ["result": .bool(result), "date1": date1, "date2": date2, "operation": operation])
    }

    mutating func extract() throws(ScriptFailure) -> ScriptValue {
        let t = try fieldDate()
        let component = config["extract"]
        let f = DateCalendar.fields(t)
        let result: Double
        switch component.stringValue {
        case "year": result = f?.year ?? .nan
        case "month": result = (f?.month ?? .nan) + 1
        case "day": result = f?.day ?? .nan
        case "hour": result = f?.hour ?? .nan
        case "minute": result = f?.minute ?? .nan
        case "second": result = f?.second ?? .nan
        case "millisecond": result = f?.millisecond ?? .nan
        case "dayOfWeek": result = f?.weekday ?? .nan
        case "dayOfYear":
            let start = DateCalendar.fromComponents(f?.year ?? .nan, 0, 0)
            result = ((t - start) / DateCalendar.msPerDay).rounded(.down)
        case "weekOfYear": result = DateTimeOperations.isoWeek(f)
        case "quarter": result = ((f?.month ?? .nan) / 3).rounded(.down) + 1
        case "timestamp": result = t
        default: throw ScriptFailure("Unknown extract component: \(component.jsString)")
        }
        context.state["dateTimeExtracted"] = .number(result)
        return .number(result)
    }

    /// ISO 8601 week number of the date's calendar day (Thursday rule).
    static func isoWeek(_ f: DateCalendar.Fields?) -> Double {
        guard let f else { return .nan }
        var d = DateCalendar.fromComponents(f.year, f.month, f.day)
        guard let utc = DateCalendar.fields(d) else { return .nan }
        let dayNumber = utc.weekday == 0 ? 7 : utc.weekday
        d = DateCalendar.setDate(d, utc.day + 4 - dayNumber)
        guard let shifted = DateCalendar.fields(d) else { return .nan }
        let yearStart = DateCalendar.fromComponents(shifted.year, 0, 1)
        return (((d - yearStart) / 86_400_000 + 1) / 7).rounded(.up)
    }

    /// Upstream's fixed offsets, kept for its ten names.
    static let fixedOffsets: [String: Double] = [
        "UTC": 0, "GMT": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    ]

    func convertTimezone() throws(ScriptFailure) -> ScriptValue {
        let t = try fieldDate()
        let zone = config["toTimezone"].jsString
        var offset = 0.0
        if let hours = DateTimeOperations.fixedOffsets[zone] {
            offset = hours * 3_600_000
        } else if config["toTimezone"].stringValue != nil, t.isFinite, let named = TimeZone(identifier: zone) {
            offset = Double(named.secondsFromGMT(for: Date(timeIntervalSince1970: t / 1000))) * 1000
        }
        guard let text = DateCalendar.isoString(DateCalendar.clip(t + offset)) else {
            throw ScriptFailure("Timezone conversion failed: \(DateCalendar.invalidDate)")
        }
        return .string(text)
    }

    func diff() throws(ScriptFailure) -> ScriptValue {
        let t1 = try fieldDate(), t2 = try date(config["compareWith"])
        let ms = abs(t1 - t2)
        let unit = config["diffUnit"].isUndefined ? "days" : config["diffUnit"].stringValue
        let months: () -> Double = {
            let (later, earlier) = t1 > t2 ? (t1, t2) : (t2, t1)
            guard let a = DateCalendar.fields(later), let b = DateCalendar.fields(earlier) else { return .nan }
            return (a.year - b.year) * 12 + (a.month - b.month)
        }
        let result: Double
        switch unit {
        case "milliseconds": result = ms
        case "seconds": result = (ms / 1000).rounded(.down)
        case "minutes": result = (ms / 60_000).rounded(.down)
        case "hours": result = (ms / 3_600_000).rounded(.down)
        case "days": result = (ms / 86_400_000).rounded(.down)
        case "weeks": result = (ms / 604_800_000).rounded(.down)
        case "months": result = months()
        case "years": result = (months() / 12).rounded(.down)
        default: result = ms
        }
        return .number(result)
    }

    /// is_valid catches everything: a date that cannot be read is `is_invalid` with the
    /// state's value under the field's name.
    mutating func validate() -> NodeEdge {
        do throws(ScriptFailure) {
            let value = try fieldValue()
            let t = try date(value)
            context.state["dateTimeValid"] = .bool(!t.isNaN)
            if let text = DateCalendar.isoString(t) { return NodeEdge("is_valid", ["result": true, "date": .string(text)]) }
            return NodeEdge("is_invalid", ["result": false, "value": value])
        } catch {
            return NodeEdge("is_invalid", ["result": false, "value": context.state[field.jsString]])
        }
    }

    func iso() throws(ScriptFailure) -> ScriptValue { .string(try iso(try fieldDate())) }
}
