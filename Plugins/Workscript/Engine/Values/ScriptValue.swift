/// A value as a workflow sees it: JSON plus JavaScript's `undefined`, because upstream Workscript
/// runs in JavaScript and its results depend on the difference (a `$.` reference to a missing key
/// is `undefined`, which removes the key rather than storing `null`).
///
/// Objects keep their keys in insertion order (``ScriptObject``), as JavaScript does, since
/// nodes such as `objectUtilities` (`keys`) and JSON output expose that order.
public enum ScriptValue: Sendable, Hashable {
    case undefined
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([ScriptValue])
    case object(ScriptObject)

    /// JavaScript truthiness: `false`, `0`, `NaN`, `""`, `null` and `undefined` are false.
    public var isTruthy: Bool {
        switch self {
        case .undefined, .null: false
        case .bool(let value): value
        case .number(let value): value != 0 && !value.isNaN
        case .string(let value): !value.isEmpty
        case .array, .object: true
        }
    }

    public var isUndefined: Bool { if case .undefined = self { true } else { false } }
    /// `null` or `undefined` (JavaScript's `x == null`).
    public var isNullish: Bool {
        switch self { case .undefined, .null: true; default: false }
    }

    public var stringValue: String? { if case .string(let value) = self { value } else { nil } }
    public var numberValue: Double? { if case .number(let value) = self { value } else { nil } }
    public var boolValue: Bool? { if case .bool(let value) = self { value } else { nil } }
    public var arrayValue: [ScriptValue]? { if case .array(let value) = self { value } else { nil } }
    public var objectValue: ScriptObject? { if case .object(let value) = self { value } else { nil } }

    /// JavaScript's `typeof`, with `null` as `"object"` and arrays as `"object"`.
    public var typeOf: String {
        switch self {
        case .undefined: "undefined"
        case .null, .array, .object: "object"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        }
    }

    /// A member of an object (`undefined` when absent or when this is not an object).
    public subscript(key: String) -> ScriptValue {
        if case .object(let object) = self { return object[key] }
        return .undefined
    }

    /// JavaScript's `String(value)`: arrays join their elements with commas, objects are
    /// `[object Object]`, numbers print as JavaScript prints them.
    public var jsString: String {
        switch self {
        case .undefined: "undefined"
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .number(let value): ScriptNumber.format(value)
        case .string(let value): value
        case .array(let values): values.map { $0.isNullish ? "" : $0.jsString }.joined(separator: ",")
        case .object: "[object Object]"
        }
    }

    /// JavaScript's `Number(value)`.
    public var jsNumber: Double {
        switch self {
        case .undefined: .nan
        case .null: 0
        case .bool(let value): value ? 1 : 0
        case .number(let value): value
        case .string(let value): ScriptNumber.parse(value)
        case .array(let values):
            if values.isEmpty { 0 } else if values.count == 1 { values[0].isNullish ? 0 : ScriptValue.string(values[0].jsString).jsNumber } else { .nan }
        case .object: .nan
        }
    }

    /// JavaScript's `===`: numbers by value (`NaN` is not equal to itself), strings by content,
    /// arrays and objects never equal (two values here cannot be the same object).
    public func strictlyEquals(_ other: ScriptValue) -> Bool {
        switch (self, other) {
        case (.undefined, .undefined), (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.string(let a), .string(let b)): UnitText.equal(a, b)
        default: false
        }
    }

    /// JavaScript's `==` for the primitive cases workflows compare.
    public func looselyEquals(_ other: ScriptValue) -> Bool {
        switch (self, other) {
        case (.undefined, .undefined), (.null, .null), (.undefined, .null), (.null, .undefined): return true
        case (.undefined, _), (.null, _), (_, .undefined), (_, .null): return false
        case (.array, .array), (.object, .object), (.array, .object), (.object, .array): return false
        case (.string(let a), .string(let b)): return UnitText.equal(a, b)
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.object, _), (.array, _): return ScriptValue.string(jsString).looselyEquals(other)
        case (_, .object), (_, .array): return looselyEquals(.string(other.jsString))
        default: return jsNumber == other.jsNumber
        }
    }

    /// `value` as JSON's round trip leaves it (`JSON.parse(JSON.stringify(v))`): `undefined`
    /// members go, `undefined` in arrays and non-finite numbers become `null`. Upstream copies
    /// state this way between nodes, so what a node stores is what the next one sees.
    public var jsonRoundTripped: ScriptValue {
        switch self {
        case .undefined: return .undefined
        case .number(let value): return value.isFinite ? self : .null
        case .null, .bool, .string: return self
        case .array(let values):
            guard values.contains(where: \.needsRoundTrip) else { return self }
            return .array(values.map { let v = $0.jsonRoundTripped; return v.isUndefined ? .null : v })
        case .object(let object):
            guard object.values.contains(where: \.needsRoundTrip) else { return self }
            var copy = ScriptObject(minimumCapacity: object.count)
            for (key, value) in object {
                let v = value.jsonRoundTripped
                if !v.isUndefined { copy[key] = v }
            }
            return .object(copy)
        }
    }

    /// Whether this is the very value `other` is (same storage, or the same scalar): a cheap
    /// test that it is unchanged, never a deep comparison. `false` says nothing.
    func isIdentical(to other: ScriptValue) -> Bool {
        switch (self, other) {
        case (.undefined, .undefined), (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a.bitPattern == b.bitPattern
        case (.string(let a), .string(let b)): return UnitText.equal(a, b)
        case (.array(let a), .array(let b)): return !a.isEmpty && ScriptObject.sameBuffer(a, b)
        case (.object(let a), .object(let b)): return !a.isEmpty && a.isIdentical(to: b)
        default: return false
        }
    }

    private var needsRoundTrip: Bool {
        switch self {
        case .undefined: true
        case .number(let value): !value.isFinite
        case .null, .bool, .string: false
        case .array(let values): values.contains(where: \.needsRoundTrip)
        case .object(let object): object.values.contains(where: \.needsRoundTrip)
        }
    }
}

extension ScriptValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: ScriptValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, ScriptValue)...) {
        var object = ScriptObject()
        for (key, value) in elements { object[key] = value }
        self = .object(object)
    }
    public init(nilLiteral: ()) { self = .null }
    public init(_ value: Int) { self = .number(Double(value)) }
}
