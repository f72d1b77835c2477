/// Replaces `$.` references in a step's config with state values, as upstream's resolver:
/// a string that is exactly `$.a.b` becomes the value (type kept, `undefined` when missing);
/// `{{$.a.b}}` inside any other string is replaced by the value as text (objects as JSON,
/// missing or `null` as nothing). Path segments are identifiers; `$.items.0` is literal text.
public enum StateResolver {
    /// Nesting below the config root that resolution accepts (upstream's `maxDepth`).
    public static let maxDepth = 10

    public struct DepthExceeded: Error, CustomStringConvertible {
        public var description: String { "Maximum resolution depth (\(StateResolver.maxDepth)) exceeded" }
    }

    public static func resolve(_ config: ScriptObject, in state: ScriptObject) throws -> ScriptObject {
        var out = ScriptObject(minimumCapacity: config.count)
        for (key, value) in config { out[key] = try resolve(value, in: state, depth: 1) }
        return out
    }

    /// Whether ``resolve(_:in:)`` returns `config` as it is for every state: no string holds
    /// `$.` (so neither a reference nor a placeholder) and no value is nested too deep.
    public static func isStatic(_ config: ScriptObject) -> Bool {
        config.values.allSatisfy { isStatic($0, depth: 1) }
    }

    static func isStatic(_ value: ScriptValue, depth: Int) -> Bool {
        if depth > maxDepth { return false }
        switch value {
        case .string(let text): return !text.containsBytes("$.")
        case .array(let items): return items.allSatisfy { isStatic($0, depth: depth + 1) }
        case .object(let object): return object.values.allSatisfy { isStatic($0, depth: depth + 1) }
        default: return true
        }
    }

    public static func resolve(_ value: ScriptValue, in state: ScriptObject, depth: Int) throws -> ScriptValue {
        if depth > maxDepth { throw DepthExceeded() }
        switch value {
        case .string(let text): return resolveString(text, in: state)
        case .array(let items):
            var out: [ScriptValue] = []
            out.reserveCapacity(items.count)
            for item in items { out.append(try resolve(item, in: state, depth: depth + 1)) }
            return .array(out)
        case .object(let object):
            var out = ScriptObject(minimumCapacity: object.count)
            for (key, member) in object { out[key] = try resolve(member, in: state, depth: depth + 1) }
            return .object(out)
        default: return value
        }
    }

    static func resolveString(_ text: String, in state: ScriptObject) -> ScriptValue {
        let utf8 = text.utf8
        guard utf8.count >= 3 else { return .string(text) }
        if utf8.first == UInt8(ascii: "$"), text.hasPrefix("$."), WorkflowSyntax.isStatePath(text.dropFirst(2)) {
            return lookup(text.dropFirst(2), in: state)
        }
        guard text.containsBytes("{{$.") else { return .string(text) }
        return .string(interpolate(text, in: state))
    }

    /// The value at a dotted path; `undefined` when any step is missing or not an object
    /// (an array answers `length`, as JavaScript's property lookup does).
    public static func lookup<S: StringProtocol>(_ path: S, in state: ScriptObject) -> ScriptValue {
        // Walks the segments in place: splitting allocates an array per reference.
        var current = ScriptValue.object(state)
        var rest = Substring(path)
        while true {
            let end = rest.firstIndex(of: ".") ?? rest.endIndex
            let segment = rest[..<end]
            switch current {
            case .object(let object): current = object[String(segment)]
            case .array(let items) where segment == "length": current = .number(Double(items.count))
            default: return .undefined
            }
            guard end < rest.endIndex else { return current }
            rest = rest[rest.index(after: end)...]
        }
    }

    static func interpolate(_ text: String, in state: ScriptObject) -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{$.") {
            out += rest[..<open.lowerBound]
            let after = rest[open.upperBound...]
            guard let close = after.range(of: "}}"), WorkflowSyntax.isStatePath(after[..<close.lowerBound]) else {
                // Not a placeholder: keep `{` and look again one character on.
                out += "{"
                rest = rest[rest.index(after: open.lowerBound)...]
                continue
            }
            switch lookup(after[..<close.lowerBound], in: state) {
            case .undefined, .null: break
            case let value where value.arrayValue != nil || value.objectValue != nil: out += ScriptJSON.stringify(value) ?? ""
            case let value: out += value.jsString
            }
            rest = after[close.upperBound...]
        }
        out += rest
        return out
    }
}
