/// Dotted paths (`user.address.city`) into values, as the nodes that take a plain field path
/// (`field: "user.name"`, no `$.`) read and write them; segments are split on `.` only, so a
/// numeric segment indexes an array (`items.0.name`), as JavaScript's property lookup does.
public enum ScriptPath {
    /// The value at `path`; `undefined` when a step is missing or not a container.
    public static func get(_ root: ScriptValue, _ path: String) -> ScriptValue {
        var current = root
        for segment in path.split(separator: ".", omittingEmptySubsequences: false) {
            current = member(current, String(segment))
            if current.isUndefined { return .undefined }
        }
        return current
    }

    /// One property lookup: an object's member, an array's element or `length`, a string's
    /// `length`.
    public static func member(_ value: ScriptValue, _ key: String) -> ScriptValue {
        switch value {
        case .object(let object): return object[key]
        case .array(let items):
            if key == "length" { return .number(Double(items.count)) }
            if let index = ScriptObject.arrayIndex(key), Int(index) < items.count { return items[Int(index)] }
            return .undefined
        case .string(let text):
            return key == "length" ? .number(Double(text.jsLength)) : .undefined
        default: return .undefined
        }
    }

    /// Sets `value` at `path`, creating objects for missing or non-object steps.
    public static func set(_ root: inout ScriptObject, _ path: String, _ value: ScriptValue) {
        let segments = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        set(&root, segments[...], value)
    }

    static func set(_ object: inout ScriptObject, _ segments: ArraySlice<String>, _ value: ScriptValue) {
        guard let first = segments.first else { return }
        if segments.count == 1 { object[first] = value; return }
        var child = object[first].objectValue ?? ScriptObject()
        // Drop the parent's reference first so the child is changed in place.
        object[first] = .null
        set(&child, segments.dropFirst(), value)
        object[first] = .object(child)
    }
}
