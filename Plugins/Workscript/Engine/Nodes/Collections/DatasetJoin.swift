/// The hash join behind `compareDatasets`: rows keyed by the `String()` of their match-field
/// values joined with `|||` (`null` and missing values get marker words), `input2` grouped by
/// key, `input1` probing it in order.
struct DatasetJoin {
    var first: [ScriptValue]
    var second: [ScriptValue]
    let fields1: [ScriptValue]
    let fields2: [ScriptValue]

    /// Names `key in object` finds on every plain object through `Object.prototype`.
    static let inherited: Set<String> = ["constructor", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable", "toString", "valueOf",
                                         "toLocaleString", "__proto__", "__defineGetter__", "__defineSetter__", "__lookupGetter__", "__lookupSetter__"]

    static func key(_ row: ScriptValue, _ fields: [ScriptValue]) throws(CaughtScriptError) -> String {
        var parts: [String] = []
        for field in fields {
            let value = try ItemAccess.nested(row, path: field)
            parts.append(value.isUndefined ? "__UNDEFINED__" : value == .null ? "__NULL__" : try ItemAccess.text(value))
        }
        return parts.joined(separator: "|||")
    }

    /// `input2`'s row indices by key.
    func groups() throws(CaughtScriptError) -> [UnitKey: [Int]] {
        var map: [UnitKey: [Int]] = [:]
        for (index, row) in second.enumerated() { map[UnitKey(try Self.key(row, fields2)), default: []].append(index) }
        return map
    }

    func keepMatches(_ pick1: ScriptValue, _ pick2: ScriptValue) throws(CaughtScriptError) -> [ScriptValue] {
        let map = try groups()
        var out: [ScriptValue] = []
        for row in first {
            for match in map[UnitKey(try Self.key(row, fields1))] ?? [] {
                var merged = ItemAccess.spread(pick1.isTruthy ? try Self.pick(row, pick1) : row)
                merged.merge(ItemAccess.spread(pick2.isTruthy ? try Self.pick(second[match], pick2) : second[match]))
                out.append(.object(merged))
            }
        }
        return out
    }

    func keepNonMatches(_ pick1: ScriptValue) throws(CaughtScriptError) -> [ScriptValue] {
        let map = try groups()
        var out: [ScriptValue] = []
        for row in first where map[UnitKey(try Self.key(row, fields1))] == nil {
            out.append(pick1.isTruthy ? try Self.pick(row, pick1) : row)
        }
        return out
    }

    func matchCount() throws(CaughtScriptError) -> Int {
        let map = try groups()
        var count = 0
        for row in first where map[UnitKey(try Self.key(row, fields1))] != nil { count += 1 }
        return count
    }

    /// The values at `fields` (dotted paths), rebuilt at the same paths in a new object.
    static func pick(_ row: ScriptValue, _ fields: ScriptValue) throws(CaughtScriptError) -> ScriptValue {
        var result = ScriptObject()
        for field in try ItemAccess.iterate(fields) {
            let value = try ItemAccess.nested(row, path: field)
            guard !value.isUndefined, case .string(let path) = field else { continue }
            let segments = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            place(value, at: segments[...], in: &result)
        }
        return .object(result)
    }

    private static func place(_ value: ScriptValue, at segments: ArraySlice<String>, in object: inout ScriptObject) {
        guard let first = segments.first else { return }
        if segments.count == 1 { object[first] = value; return }
        var child = object[first].objectValue ?? ScriptObject()
        place(value, at: segments.dropFirst(), in: &child)
        object[first] = .object(child)
    }
}
