/// `transformObject`: flatten, unflatten, pick, omit or renameKeys on `inputs.data`, or on
/// the whole state when there is no `data`; writes `transformedObject`. `separator` defaults
/// to `.`. Upstream's quirks are kept: flatten leaves arrays whole, and once `depth` is
/// reached the nested object's keys are merged in without their prefix; `pick` lists keys in
/// the order of `keys`; `renameKeys` keeps a key whose new name is falsy; flattening the
/// whole state with a `depth` of 0 fails, as upstream's cyclic result does.
public struct TransformObjectNode: WorkflowNode {
    public init() {}
    public let metadata = NodeMetadata(
        id: "transformObject", name: "Transform Object",
        description: "Universal node for object transformations (flatten, unflatten, pick, omit, renameKeys)",
        inputs: ["operation", "separator", "depth", "keys", "renameMap", "recursive"], outputs: ["result"],
        hints: NodeHints(purpose: "Perform various object transformations including flatten, unflatten, pick, omit, and renameKeys",
                         whenToUse: "When you need to restructure objects, extract specific fields, or rename keys in workflow data",
                         expectedEdges: ["success", "error"],
                         exampleUsage: #"{"transform-1": {"operation": "flatten", "separator": ".", "success?": "next-node"}}"#,
                         exampleConfig: #"{"operation": "flatten|unflatten|pick|omit|renameKeys", "separator?": "string", "depth?": "number", "keys?": "[string, ...]", "renameMap?": "{oldKey: newKey}", "recursive?": "boolean"}"#,
                         postToState: ["transformedObject"]),
        config: [
            NodeConfigField("operation", .string, required: true, description: "flatten, unflatten, pick, omit or renameKeys"),
            NodeConfigField("separator", .string, default: ".", description: "joins (flatten) or splits (unflatten) key paths"),
            NodeConfigField("depth", .number, description: "levels flatten descends before keeping objects whole"),
            NodeConfigField("keys", .array, description: "keys to keep (pick) or drop (omit)"),
            NodeConfigField("renameMap", .object, description: "{oldKey: newKey} for renameKeys"),
            NodeConfigField("recursive", .boolean, default: false, description: "apply pick, omit or renameKeys to nested objects too"),
        ],
        category: "dataManipulation")

    private static let operations: ScriptValue = ["flatten", "unflatten", "pick", "omit", "renameKeys"]

    public func execute(_ context: inout NodeContext, config: ScriptObject) async throws -> [NodeEdge] {
        let operation = config["operation"]
        let separator = config["separator"].isUndefined ? "." : config["separator"].jsString
        let recursive = config["recursive"].isTruthy
        let nodeId = ScriptValue.string(context.nodeId)
        guard operation.isTruthy else { return [NodeEdge("error", ["error": "Missing required parameter: operation", "nodeId": nodeId])] }
        let data = context.input("data").isUndefined ? .object(context.state) : context.input("data")
        if data.isNullish { return [NodeEdge("error", ["error": "No data available to transform", "nodeId": nodeId])] }
        let result: ScriptValue
        switch operation {
        case "flatten":
            let depth = config["depth"]
            if context.input("data").isUndefined, !depth.isUndefined, ScriptOperators.greaterOrEqual(0, depth) {
                // Upstream hands back the state object itself and stores it inside itself.
                throw NodeFailure("JSON.stringify cannot serialize cyclic structures.")
            }
            result = flatten(data, separator: separator, depth: depth, level: 0, prefix: "")
        case "unflatten":
            result = unflatten(data, separator: separator)
        case "pick", "omit":
            guard case .array(let keys) = config["keys"] else {
                return [NodeEdge("error", ["error": .string("Missing or invalid keys parameter for \(operation.jsString) operation"), "nodeId": nodeId])]
            }
            result = operation == "pick" ? pick(data, keys, recursive: recursive) : omit(data, keys, recursive: recursive)
        case "renameKeys":
            let map = config["renameMap"]
            guard FieldPaths.isContainer(map) else {
                return [NodeEdge("error", ["error": "Missing or invalid renameMap parameter for renameKeys operation", "nodeId": nodeId])]
            }
            result = rename(data, map, recursive: recursive)
        default:
            return [NodeEdge("error", ["error": .string("Unknown operation: \(operation.jsString)"), "supportedOperations": TransformObjectNode.operations, "nodeId": nodeId])]
        }
        context.state["transformedObject"] = result
        return [NodeEdge("success", ["result": result, "operation": operation, "message": .string("Successfully applied \(operation.jsString) transformation")])]
    }

    private func flatten(_ value: ScriptValue, separator: String, depth: ScriptValue, level: Int, prefix: String) -> ScriptValue {
        guard case .object(let object) = value else { return value }
        if !depth.isUndefined, ScriptOperators.greaterOrEqual(ScriptValue(level), depth) { return value }
        var result = ScriptObject()
        for (key, member) in object {
            let path = prefix.isEmpty ? key : prefix + separator + key
            if case .object = member {
                // Object.assign of what the nested call returns: at the depth limit that is the
                // nested object itself, whose keys arrive unprefixed.
                if case .object(let flat) = flatten(member, separator: separator, depth: depth, level: level + 1, prefix: path) { result.merge(flat) }
            } else {
                result[path] = member
            }
        }
        return .object(result)
    }

    private func unflatten(_ value: ScriptValue, separator: String) -> ScriptValue {
        guard case .object(let object) = value else { return value }
        var result = ScriptValue.object([:])
        for (key, member) in object {
            FieldPaths.set(&result, JSText.split(key, by: separator)[...], member)
        }
        return result
    }

    private func pick(_ value: ScriptValue, _ keys: [ScriptValue], recursive: Bool) -> ScriptValue {
        guard case .object(let object) = value else { return value }
        var result = ScriptObject()
        for key in keys.map(\.jsString) where object.contains(key) {
            let member = object[key]
            if recursive, case .object = member { result[key] = pick(member, keys, recursive: true) } else { result[key] = member }
        }
        return .object(result)
    }

    private func omit(_ value: ScriptValue, _ keys: [ScriptValue], recursive: Bool) -> ScriptValue {
        guard case .object(let object) = value else { return value }
        // A Set of the given values: only strings can equal a key.
        let dropped = Set(keys.compactMap(\.stringValue))
        var result = ScriptObject()
        for (key, member) in object where !dropped.contains(key) {
            if recursive, case .object = member { result[key] = omit(member, keys, recursive: true) } else { result[key] = member }
        }
        return .object(result)
    }

    private func rename(_ value: ScriptValue, _ map: ScriptValue, recursive: Bool) -> ScriptValue {
        guard case .object(let object) = value else { return value }
        var result = ScriptObject()
        for (key, member) in object {
            let mapped = ScriptAccess.get(map, key)
            let name = mapped.isTruthy ? mapped.jsString : key
            if recursive, case .object = member { result[name] = rename(member, map, recursive: true) } else { result[name] = member }
        }
        return .object(result)
    }
}
