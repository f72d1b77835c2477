/// JavaScript's operators on ``ScriptValue``s, where nodes apply them to config values of any
/// type (upstream does no coercion of its own: `add` of a string concatenates).
public enum ScriptOperators {
    /// `a + b`: concatenation when either side is a string, array or object; numbers otherwise.
    public static func add(_ a: ScriptValue, _ b: ScriptValue) -> ScriptValue {
        let pa = primitive(a), pb = primitive(b)
        if case .string = pa { return .string(pa.jsString + pb.jsString) }
        if case .string = pb { return .string(pa.jsString + pb.jsString) }
        return .number(pa.jsNumber + pb.jsNumber)
    }

    /// `a < b`: strings compare by UTF-16 code units when both are strings, numbers otherwise;
    /// false when either is `NaN`.
    public static func less(_ a: ScriptValue, _ b: ScriptValue) -> Bool {
        let pa = primitive(a), pb = primitive(b)
        if case .string(let x) = pa, case .string(let y) = pb { return UnitText.less(x, y) }
        let x = pa.jsNumber, y = pb.jsNumber
        return x < y
    }

    public static func greater(_ a: ScriptValue, _ b: ScriptValue) -> Bool { less(b, a) }
    public static func lessOrEqual(_ a: ScriptValue, _ b: ScriptValue) -> Bool {
        let pa = primitive(a), pb = primitive(b)
        if case .string(let x) = pa, case .string(let y) = pb { return !UnitText.less(y, x) }
        return pa.jsNumber <= pb.jsNumber
    }
    public static func greaterOrEqual(_ a: ScriptValue, _ b: ScriptValue) -> Bool { lessOrEqual(b, a) }

    /// ToPrimitive: arrays and objects as their string form.
    static func primitive(_ value: ScriptValue) -> ScriptValue {
        switch value {
        case .array, .object: .string(value.jsString)
        default: value
        }
    }
}

extension String {
    /// `String.prototype.length`: UTF-16 code units.
    var jsLength: Int { utf16.count }
}
