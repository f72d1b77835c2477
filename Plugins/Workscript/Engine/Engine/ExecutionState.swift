import Foundation

/// An execution's state as upstream's state manager keeps it: every value stored as JSON's
/// round trip leaves it (so a node sees exactly what upstream's deep copies give), updates
/// merged key by key, and the edge context (`_edgeContext`, `_edgeContextTimestamp`) kept in
/// the state itself.
struct ExecutionState {
    private(set) var data: ScriptObject

    init(_ initial: ScriptObject) {
        data = ScriptObject(minimumCapacity: initial.count)
        for (key, value) in initial {
            let stored = value.jsonRoundTripped
            if !stored.isUndefined { data[key] = stored }
        }
    }

    /// `{...state, ...updates}`; a key set to `undefined` goes.
    /// Values a node left as they were are already stored as JSON leaves them: they are
    /// recognised by identity and skipped, so a node that changes one key costs one round trip.
    mutating func update(with updates: ScriptObject) {
        var hint = 0
        for (key, value) in updates {
            if hint < data.count, data.keys[hint] == key, data.value(at: hint).isIdentical(to: value) {
                hint += 1
                continue
            }
            let stored = value.jsonRoundTripped
            if stored.isUndefined { data.removeValue(forKey: key) } else { data.set(key, stored, hint: &hint) }
        }
    }

    mutating func setEdgeContext(_ value: ScriptValue) {
        var hint = 0
        let stored = value.jsonRoundTripped
        if stored.isUndefined { data.removeValue(forKey: "_edgeContext") } else { data.set("_edgeContext", stored, hint: &hint) }
        data.set("_edgeContextTimestamp", .string(ISOTime.now()), hint: &hint)
    }

    /// The edge context, cleared from the state when there was one.
    mutating func takeEdgeContext() -> ScriptValue {
        let value = data["_edgeContext"]
        guard value.isTruthy else { return .null }
        data.removeValue(forKey: "_edgeContext")
        data.removeValue(forKey: "_edgeContextTimestamp")
        return value
    }

    /// `{...value}`: an object's members, a string's or array's elements by index.
    static func spread(_ value: ScriptValue) -> ScriptObject {
        switch value {
        case .object(let object): return object
        case .array(let items):
            var out = ScriptObject(minimumCapacity: items.count)
            for (index, item) in items.enumerated() { out[String(index)] = item }
            return out
        case .string(let text):
            var out = ScriptObject()
            for (index, character) in text.utf16.enumerated() { out[String(index)] = .string(String(utf16CodeUnits: [character], count: 1)) }
            return out
        default: return [:]
        }
    }
}
