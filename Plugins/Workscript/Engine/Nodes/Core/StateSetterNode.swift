/// `$.a.b`: writes a value at a state path, creating objects along the way (a primitive on the
/// way is replaced; through an array the write is lost, as upstream's), and records
/// `_lastStateSet`. The parser turns
/// `{"$.a.b": value}` into this node with `statePath` and `value`.
public struct StateSetterNode: WorkflowNode {
    public static let id = "__state_setter__"
    public init() {}

    public let metadata = NodeMetadata(
        id: StateSetterNode.id, name: "State Setter",
        description: "Internal node for setting nested state values via syntactic sugar ($.path.to.state)",
        inputs: ["statePath", "value"], outputs: ["success", "error"],
        hints: NodeHints(purpose: "Set nested state values using $.path.to.state syntax",
                         whenToUse: "Automatically used by parser when $.syntax is detected in workflow definitions",
                         expectedEdges: ["success", "error"],
                         exampleUsage: #"{"$.config.timeout": {"value": 30, "success?": "next-node"}}"#,
                         exampleConfig: #"{"statePath": "string", "value": "any"}"#,
                         postToState: ["<dynamic-path-from-config>", "_lastStateSet"]),
        category: "core")

    public func execute(_ context: inout NodeContext, config: ScriptObject) async throws -> [NodeEdge] {
        guard case .string(let path) = config["statePath"], !path.isEmpty else {
            return [NodeEdge("error", ["error": "StateSetterNode requires a valid statePath parameter", "nodeId": .string(context.nodeId)])]
        }
        let value = config["value"]
        if value.isUndefined {
            return [NodeEdge("error", ["error": "StateSetterNode requires a value parameter", "nodeId": .string(context.nodeId), "statePath": .string(path)])]
        }
        let segments = path.split(separator: ".").map(String.init)
        if segments.isEmpty {
            return [NodeEdge("error", ["error": "Invalid state path: path cannot be empty", "nodeId": .string(context.nodeId), "statePath": .string(path)])]
        }
        Self.set(&context.state, segments[...], value)
        context.state["_lastStateSet"] = ["path": .string(path), "value": value, "timestamp": .string(ISOTime.now()), "nodeId": .string(context.nodeId)]
        return [NodeEdge("success", ["statePath": .string(path), "value": value, "message": .string("Successfully set state at path: \(path)")])]
    }

    static func set(_ object: inout ScriptObject, _ segments: ArraySlice<String>, _ value: ScriptValue) {
        guard let first = segments.first else { return }
        if segments.count == 1 { object[first] = value; return }
        var child: ScriptObject
        switch object[first] {
        case .object(let existing): child = existing
        // JavaScript sets a property on the array, which JSON then drops: the array stays as it was.
        case .array: return
        default: child = ScriptObject()
        }
        // Drop the parent's reference first so the child is changed in place.
        object[first] = .null
        set(&child, segments.dropFirst(), value)
        object[first] = .object(child)
    }
}
