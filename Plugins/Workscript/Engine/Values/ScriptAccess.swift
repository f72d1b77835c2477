/// Property access as JavaScript does it on any value.
enum ScriptAccess {
    /// JavaScript's `key in value` for an object or array (false for anything else).
    static func has(_ value: ScriptValue, _ key: String) -> Bool {
        switch value {
        case .object(let object): return object.contains(key)
        case .array(let items):
            if key == "length" { return true }
            if let index = ScriptObject.arrayIndex(key) { return Int(index) < items.count }
            return false
        default: return false
        }
    }

    /// `value[key]` for any value: object members, array elements and `length`, a string's
    /// UTF-16 units and `length`; `undefined` otherwise (callers check `null`/`undefined`).
    /// The one `value[key]` of the node library.
    static func get(_ value: ScriptValue, _ key: String) -> ScriptValue {
        switch value {
        case .string(let text):
            if key == "length" { return .number(Double(text.utf16.count)) }
            if let index = ScriptObject.arrayIndex(key), Int(index) < text.utf16.count {
                let unit = text.utf16[text.utf16.index(text.utf16.startIndex, offsetBy: Int(index))]
                return .string(String(decoding: [unit], as: UTF16.self))
            }
            return .undefined
        default: return ScriptPath.member(value, key)
        }
    }
}
