/// JavaScript property access and iteration as upstream's collection nodes perform them on
/// values that come from the state or the config, including the `TypeError`s JavaScriptCore
/// raises when a value has the wrong type (the nodes catch them and report the message).
enum ItemAccess {
    /// The dotted-path walk most upstream nodes share: each step only goes into objects and
    /// arrays (`typeof current === 'object'`), so a string or number on the way gives
    /// `undefined`. `dropEmpty` skips empty segments, as `splitOut` does.
    static func nested(_ root: ScriptValue, _ path: String, dropEmpty: Bool = false) -> ScriptValue {
        var current = root
        for segment in path.split(separator: ".", omittingEmptySubsequences: dropEmpty) {
            switch current {
            case .object, .array: current = ScriptAccess.get(current, String(segment))
            default: return .undefined
            }
        }
        return current
    }

    /// ``nested(_:_:dropEmpty:)`` for a path that may not be a string: upstream calls
    /// `path.split('.')`, which throws for anything else.
    static func nested(_ root: ScriptValue, path: ScriptValue) throws(CaughtScriptError) -> ScriptValue {
        guard case .string(let text) = path else { throw .notAFunction("path.split", call: #"path.split(".")"#, on: path) }
        return nested(root, text)
    }

    /// `{...value}`: an object's members, an array's or string's indices; nothing otherwise.
    static func spread(_ value: ScriptValue) -> ScriptObject {
        switch value {
        case .object(let object): return object
        case .array(let items):
            var out = ScriptObject(minimumCapacity: items.count)
            for (at, item) in items.enumerated() { out[String(at)] = item }
            return out
        case .string(let text):
            var out = ScriptObject()
            for (at, unit) in text.utf16.enumerated() { out[String(at)] = .string(String(decoding: [unit], as: UTF16.self)) }
            return out
        default: return ScriptObject()
        }
    }

    /// `Object.keys(value)` for the values a node can hold.
    static func keys(_ value: ScriptValue) -> [String] { spread(value).keys }

    /// The elements a `for...of` loop visits: an array's elements, a string's code points;
    /// anything else is not iterable.
    static func iterate(_ value: ScriptValue) throws(CaughtScriptError) -> [ScriptValue] {
        switch value {
        case .array(let items): return items
        case .string(let text): return text.unicodeScalars.map { .string(String($0)) }
        case .object: throw .typeError("{} is not iterable")
        case .undefined, .null: throw .typeError("\(value.jsString) is not an object")
        default: throw .typeError("\(value.typeOf) is not iterable")
        }
    }

    /// `list.includes(element)`: SameValueZero membership for arrays, substring search for
    /// strings (where upstream passes a string where it expects a list).
    static func includes(_ list: ScriptValue, _ element: ScriptValue, listName: String) throws(CaughtScriptError) -> Bool {
        switch list {
        case .array(let items): return items.contains { sameValueZero($0, element) }
        case .string(let text): return UnitText.contains(text, element.jsString)
        default: throw .notAFunction("\(listName).includes", call: "\(listName).includes(key)", on: list)
        }
    }

    /// `Array.prototype.includes`' equality: `===`, except that `NaN` equals `NaN`.
    static func sameValueZero(_ a: ScriptValue, _ b: ScriptValue) -> Bool {
        if case .number(let x) = a, case .number(let y) = b, x.isNaN, y.isNaN { return true }
        return a.strictlyEquals(b)
    }

    /// `String(value)`. JSON data cannot hold functions, so an object with its own `toString`
    /// member has no way to become a primitive: JavaScript throws, also for an array holding
    /// one (its `join` converts the elements).
    static func text(_ value: ScriptValue) throws(CaughtScriptError) -> String {
        if lacksPrimitive(value) { throw .typeError("No default value") }
        return value.jsString
    }

    /// `Number(value)`, throwing where ``text(_:)`` does.
    static func number(_ value: ScriptValue) throws(CaughtScriptError) -> Double {
        if lacksPrimitive(value) { throw .typeError("No default value") }
        return value.jsNumber
    }

    static func lacksPrimitive(_ value: ScriptValue) -> Bool {
        switch value {
        case .object(let object): object.contains("toString")
        case .array(let items): items.contains(where: lacksPrimitive)
        default: false
        }
    }

    /// `value.member` where `value` may be `null` or `undefined` (JavaScriptCore's
    /// `TypeError`, naming the expression as upstream's source writes it).
    static func member(_ value: ScriptValue, _ key: String, expression: String) throws(CaughtScriptError) -> ScriptValue {
        if value.isNullish { throw .typeError("\(value.jsString) is not an object (evaluating '\(expression)')") }
        return ScriptAccess.get(value, key)
    }
}

/// An exception upstream's node code raises and then catches itself, turning it into an
/// `error` edge: the message, and the first line of its stack (the rest names upstream's
/// source files and cannot be reproduced).
struct CaughtScriptError: Error {
    let name: String
    let message: String
    var stack: String { "\(name): \(message)" }

    static func error(_ message: String) -> CaughtScriptError { CaughtScriptError(name: "Error", message: message) }
    static func typeError(_ message: String) -> CaughtScriptError { CaughtScriptError(name: "TypeError", message: message) }

    /// Calling a method the value lacks: `x.split is not a function`, or, on `null` and
    /// `undefined`, the property read failing first.
    static func notAFunction(_ method: String, call: String, on value: ScriptValue) -> CaughtScriptError {
        if value.isNullish { return typeError("\(value.jsString) is not an object (evaluating '\(method)')") }
        return typeError("\(method) is not a function. (In '\(call)', '\(method)' is undefined)")
    }

    /// Destructuring `const {key} = value` of `null` or `undefined`.
    static func destructuring(_ key: String) -> CaughtScriptError {
        typeError("Cannot destructure property '\(key)' from null or undefined value")
    }
}
