/// `new Date(value).getTime()` for `filter`'s date conditions: milliseconds since 1970 or `NaN`,
/// text read by ``DateTextParser`` as Bun reads it.
enum FilterDates {
    static func time(_ value: ScriptValue) throws(CaughtScriptError) -> Double {
        switch value {
        case .undefined: return .nan
        case .null: return 0
        case .bool(let flag): return flag ? 1 : 0
        case .number(let number): return DateCalendar.clip(number)
        case .string(let text): return DateTextParser.parse(text)
        // `String(value)` first, which throws for an object with its own `toString` member.
        case .array, .object: return DateTextParser.parse(try ItemAccess.text(value))
        }
    }
}
