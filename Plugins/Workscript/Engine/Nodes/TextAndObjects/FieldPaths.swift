/// The dotted field paths the text and object nodes read and write (`user.profile.name`,
/// no `$.`), walked as upstream's own `getNestedValue`/`setNestedValue` walk them: only
/// objects and arrays are entered (a string's `length` is not reachable), a numeric segment
/// indexes an array, and writing creates `{}` for every missing or non-object step.
enum FieldPaths {
    /// `path.split('.')`, or the TypeError JavaScriptCore raises when `path` is not a string,
    /// worded with upstream's variable name (`receiver`).
    static func segments(_ path: ScriptValue, receiver: String = "path") throws(NodeFailure) -> [String] {
        guard case .string(let text) = path else { throw JSTypeError.notAFunction(path, receiver: receiver, method: "split", arguments: "\".\"") }
        return text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }

    /// The value at `segments`, `undefined` as soon as a step is not an object or array.
    static func get(_ root: ScriptValue, _ segments: [String]) -> ScriptValue {
        var current = root
        for segment in segments {
            guard isContainer(current) else { return .undefined }
            current = ScriptAccess.get(current, segment)
        }
        return current
    }

    static func isContainer(_ value: ScriptValue) -> Bool {
        switch value {
        case .object, .array: true
        default: false
        }
    }

    /// Sets `value` at `segments` under `root`, replacing non-object steps by `{}`.
    static func set(_ root: inout ScriptObject, _ segments: [String], _ value: ScriptValue) {
        var wrapped = ScriptValue.object(root)
        set(&wrapped, segments[...], value)
        if case .object(let object) = wrapped { root = object }
    }

    static func set(_ container: inout ScriptValue, _ segments: ArraySlice<String>, _ value: ScriptValue) {
        guard let key = segments.first else { return }
        if segments.count == 1 { assign(&container, key, value); return }
        var child = ScriptAccess.get(container, key)
        if !isContainer(child) { child = .object([:]) }
        set(&child, segments.dropFirst(), value)
        assign(&container, key, child)
    }

    /// `container[key] = value`. On an array only index keys are kept: other properties
    /// would not survive the JSON copy upstream makes of the state; a gap becomes `null`.
    static func assign(_ container: inout ScriptValue, _ key: String, _ value: ScriptValue) {
        switch container {
        case .object(var object):
            object[key] = value
            container = .object(object)
        case .array(var items):
            guard let index = ScriptObject.arrayIndex(key).map(Int.init) else { return }
            if index < items.count {
                items[index] = value
            } else {
                items += Array(repeating: .null, count: index - items.count)
                items.append(value)
            }
            container = .array(items)
        default: break
        }
    }

    /// JavaScript's `key in value`, prototype members included (`"toString" in {}` is true).
    static func has(_ value: ScriptValue, _ key: String) -> Bool {
        switch value {
        case .object(let object): return object.contains(key) || objectPrototype.contains(key)
        case .array(let items):
            if let index = ScriptObject.arrayIndex(key) { return Int(index) < items.count }
            return key == "length" || arrayPrototype.contains(key) || objectPrototype.contains(key)
        default: return false
        }
    }

    /// An array as the object `{...array}` makes of it: index keys.
    static func spread(_ value: ScriptValue) -> ScriptObject {
        switch value {
        case .object(let object): return object
        case .array(let items):
            var object = ScriptObject(minimumCapacity: items.count)
            for (index, item) in items.enumerated() { object[String(index)] = item }
            return object
        default: return [:]
        }
    }

    private static let objectPrototype: Set<String> = [
        "constructor", "__defineGetter__", "__defineSetter__", "hasOwnProperty", "__lookupGetter__", "__lookupSetter__",
        "isPrototypeOf", "propertyIsEnumerable", "toString", "valueOf", "__proto__", "toLocaleString",
    ]
    private static let arrayPrototype: Set<String> = [
        "at", "concat", "copyWithin", "entries", "every", "fill", "filter", "find", "findIndex", "findLast", "findLastIndex",
        "flat", "flatMap", "forEach", "includes", "indexOf", "join", "keys", "lastIndexOf", "map", "pop", "push", "reduce",
        "reduceRight", "reverse", "shift", "slice", "some", "sort", "splice", "toReversed", "toSorted", "toSpliced",
        "unshift", "values", "with",
    ]
}

/// JavaScriptCore's TypeError messages for calling a string method on a value that is not
/// a string, as upstream's nodes surface them.
enum JSTypeError {
    static func notAFunction(_ value: ScriptValue, receiver: String, method: String, arguments: String) -> NodeFailure {
        switch value {
        case .null: NodeFailure("null is not an object (evaluating '\(receiver).\(method)')")
        case .undefined: NodeFailure("undefined is not an object (evaluating '\(receiver).\(method)')")
        default: NodeFailure("\(receiver).\(method) is not a function. (In '\(receiver).\(method)(\(arguments))', '\(receiver).\(method)' is undefined)")
        }
    }

    /// `for (const x of value)` on something that is not iterable.
    static func notIterable(_ value: ScriptValue) -> NodeFailure {
        switch value {
        case .object: NodeFailure("{} is not iterable")
        case .undefined: NodeFailure("undefined is not iterable")
        case .null: NodeFailure("null is not iterable")
        default: NodeFailure("\(value.typeOf) is not iterable")
        }
    }

    /// What `for … of` walks: an array's elements, a string's characters (code points).
    static func iterate(_ value: ScriptValue) throws(NodeFailure) -> [ScriptValue] {
        switch value {
        case .array(let items): return items
        case .string(let text): return text.unicodeScalars.map { .string(String($0)) }
        default: throw notIterable(value)
        }
    }
}

/// The error edge data a node builds from a caught exception: `details` is upstream's stack
/// trace, of which only the first line (`Error: message`) can be reproduced.
extension NodeFailure {
    var details: ScriptValue { .string("Error: \(message)") }
}
