/// The operators and methods of the expression language, as JavaScript computes them
/// (strings compared by UTF-16 code units, as `===` does).
enum ExpressionOperations {
    static func binary(_ op: String, _ a: ScriptValue, _ b: ScriptValue) -> ScriptValue {
        switch op {
        case "+": return ScriptOperators.add(a, b)
        case "-": return .number(a.jsNumber - b.jsNumber)
        case "*": return .number(a.jsNumber * b.jsNumber)
        case "/": return .number(a.jsNumber / b.jsNumber)
        case "%": return .number(a.jsNumber.truncatingRemainder(dividingBy: b.jsNumber))
        case "<": return .bool(ScriptOperators.less(a, b))
        case "<=": return .bool(ScriptOperators.lessOrEqual(a, b))
        case ">": return .bool(ScriptOperators.greater(a, b))
        case ">=": return .bool(ScriptOperators.greaterOrEqual(a, b))
        case "===": return .bool(strictlyEqual(a, b))
        case "!==": return .bool(!strictlyEqual(a, b))
        case "==": return .bool(looselyEqual(a, b))
        default: return .bool(!looselyEqual(a, b))
        }
    }

    static func strictlyEqual(_ a: ScriptValue, _ b: ScriptValue) -> Bool {
        if case .string(let x) = a, case .string(let y) = b { return UnitText.equal(x, y) }
        return a.strictlyEquals(b)
    }

    static func looselyEqual(_ a: ScriptValue, _ b: ScriptValue) -> Bool {
        if case .string(let x) = a, case .string(let y) = b { return UnitText.equal(x, y) }
        return a.looselyEquals(b)
    }

    /// `Array.prototype.includes`' comparison: `===`, except that `NaN` finds `NaN`.
    static func sameValueZero(_ a: ScriptValue, _ b: ScriptValue) -> Bool {
        if case .number(let x) = a, case .number(let y) = b, x.isNaN, y.isNaN { return true }
        return strictlyEqual(a, b)
    }

    /// How JavaScriptCore shows a value in a "not a function" message.
    static func describe(_ value: ScriptValue) -> String {
        switch value {
        case .string(let text): "\"\(text)\""
        case .object: "an instance of Object"
        case .array: "an instance of Array"
        default: value.jsString
        }
    }

    /// A method's result; nil when the receiver has no such method.
    static func call(_ method: String, on receiver: ScriptValue, _ arguments: [ScriptValue]) -> ScriptValue? {
        let first = arguments.first ?? .undefined
        switch receiver {
        case .string(let text):
            let units = Array(text.utf16)
            switch method {
            case "includes", "startsWith", "endsWith":
                let search = Array(first.jsString.utf16)
                let second = arguments.count > 1 ? arguments[1] : .undefined
                switch method {
                case "includes":
                    let from = clamp(second, units.count, default: 0)
                    return .bool(find(search, in: units, from: from))
                case "startsWith":
                    let from = clamp(second, units.count, default: 0)
                    return .bool(from + search.count <= units.count && Array(units[from..<from + search.count]) == search)
                default:
                    let end = clamp(second, units.count, default: units.count)
                    return .bool(end - search.count >= 0 && Array(units[(end - search.count)..<end]) == search)
                }
            case "toLowerCase": return .string(text.lowercased())
            case "toUpperCase": return .string(text.uppercased())
            case "trim": return .string(text.trimmingJSWhitespace())
            default: return nil
            }
        case .array(let items) where method == "includes":
            var from = arguments.count > 1 ? Int(DateCalendar.integer(arguments[1].jsNumber).clamped(-1e15, 1e15)) : 0
            if from < 0 { from = max(0, items.count + from) }
            return .bool(items.dropFirst(from).contains { sameValueZero($0, first) })
        default: return nil
        }
    }

    static func clamp(_ position: ScriptValue, _ count: Int, default fallback: Int) -> Int {
        if position.isUndefined { return fallback }
        return Int(DateCalendar.integer(position.jsNumber).clamped(0, Double(count)))
    }

    static func find(_ needle: [UInt16], in haystack: [UInt16], from: Int) -> Bool {
        if needle.isEmpty { return true }
        guard haystack.count - needle.count >= from else { return false }
        for start in from...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<start + needle.count]) == needle { return true }
        }
        return false
    }
}

extension Double {
    fileprivate func clamped(_ low: Double, _ high: Double) -> Double { Swift.min(Swift.max(self, low), high) }
}
