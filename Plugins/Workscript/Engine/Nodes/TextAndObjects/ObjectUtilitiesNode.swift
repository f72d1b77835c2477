/// `objectUtilities`: keys, values, entries, has_field, is_empty, merge, deep_merge, clone,
/// deep_clone, get_nested, set_nested or delete_nested on the state value at the dotted path
/// `field`. The result is written at `outputField` (default `<field>_<operation>`, a dotted
/// path, so `user.profile` writes `user.profile_keys` inside `user`) and to
/// `objectUtilResult`; has_field false and a missing get_nested take `not_found`.
/// set_nested and delete_nested work on a copy, leaving the source as it was. Kept from
/// upstream: `in` sees prototype members (`has_field` of `toString` is true), and merging
/// arrays gives objects with index keys.
public struct ObjectUtilitiesNode: WorkflowNode {
    public init() {}
    public let metadata = NodeMetadata(
        id: "objectUtilities", name: "Object Utilities",
        description: "Universal object utilities node - provides common object manipulation operations",
        inputs: ["operation", "field", "outputField", "path", "value", "mergeWith", "overwrite"], outputs: ["result", "found", "not_found"],
        hints: NodeHints(purpose: "Provide common object manipulation utilities including keys extraction, merging, cloning, and nested field operations",
                         whenToUse: "When you need to manipulate objects, extract keys/values, check field existence, merge objects, or work with nested paths",
                         expectedEdges: ["success", "not_found", "error"],
                         exampleUsage: #"{"obj-util-1": {"operation": "keys", "field": "user", "outputField": "userKeys", "success?": "next-node"}}"#,
                         exampleConfig: #"{"operation": "keys|values|entries|has_field|is_empty|merge|deep_merge|clone|deep_clone|get_nested|set_nested|delete_nested", "field": "string", "outputField?": "string", "path?": "string", "value?": "any", "mergeWith?": "string", "overwrite?": "boolean"}"#,
                         postToState: ["objectUtilResult"]),
        config: [
            NodeConfigField("operation", .string, required: true, description: "the operation to apply"),
            NodeConfigField("field", .string, required: true, description: "dotted state path of the object"),
            NodeConfigField("outputField", .string, description: "dotted state path for the result (default <field>_<operation>)"),
            NodeConfigField("path", .string, description: "dotted path inside the object (has_field, get/set/delete_nested)"),
            NodeConfigField("value", .any, description: "value to set (set_nested)"),
            NodeConfigField("mergeWith", .string, description: "dotted state path of the object to merge in"),
            NodeConfigField("overwrite", .boolean, default: true, description: "let merged keys replace existing ones"),
        ],
        category: "dataManipulation")

    public func execute(_ context: inout NodeContext, config: ScriptObject) async throws -> [NodeEdge] {
        let operation = config["operation"], field = config["field"], path = config["path"], mergeWith = config["mergeWith"]
        let overwrite = config["overwrite"].isUndefined ? true : config["overwrite"].isTruthy
        func failure(_ message: String) -> [NodeEdge] { [NodeEdge("error", ["error": .string(message)])] }
        guard operation.isTruthy else { return failure("Missing required parameter: operation") }
        guard field.isTruthy else { return failure("Missing required parameter: field") }
        let state = ScriptValue.object(context.state)
        do throws(NodeFailure) {
            let object = FieldPaths.get(state, try FieldPaths.segments(field, receiver: "keyPath"))
            if object.isUndefined {
                return [NodeEdge("error", ["error": .string("Field not found: \(field.jsString)"), "field": field])]
            }
            var result: ScriptValue
            var edge = "success"
            let name = operation.jsString
            switch operation {
            case "keys": result = .array(FieldPaths.spread(object).keys.map { .string($0) })
            case "values": result = .array(FieldPaths.spread(object).values)
            case "entries": result = .array(FieldPaths.spread(object).map { [.string($0.0), $0.1] })
            case "has_field":
                guard path.isTruthy else { return failure("Missing required parameter: path for has_field operation") }
                result = .bool(try hasField(object, path))
                if result == false { edge = "not_found" }
            case "is_empty": result = .bool(FieldPaths.spread(object).isEmpty)
            case "merge", "deep_merge":
                guard mergeWith.isTruthy else { return failure("Missing required parameter: mergeWith for \(name) operation") }
                let source = FieldPaths.get(state, try FieldPaths.segments(mergeWith, receiver: "keyPath"))
                if source.isUndefined {
                    return failure("\(name == "merge" ? "Merge" : "Deep merge") source field not found: \(mergeWith.jsString)")
                }
                result = merge(object, source, overwrite: overwrite, deep: name == "deep_merge")
            case "clone", "deep_clone": result = object
            case "get_nested":
                guard path.isTruthy else { return failure("Missing required parameter: path for get_nested operation") }
                result = FieldPaths.isContainer(object) ? FieldPaths.get(object, try FieldPaths.segments(path)) : .undefined
                if result.isUndefined { edge = "not_found" }
            case "set_nested":
                guard path.isTruthy else { return failure("Missing required parameter: path for set_nested operation") }
                guard !config["value"].isUndefined else { return failure("Missing required parameter: value for set_nested operation") }
                result = object
                if FieldPaths.isContainer(object) { FieldPaths.set(&result, try FieldPaths.segments(path)[...], config["value"]) }
            case "delete_nested":
                guard path.isTruthy else { return failure("Missing required parameter: path for delete_nested operation") }
                result = object
                if FieldPaths.isContainer(object) { result = delete(object, try FieldPaths.segments(path)[...]) }
            default:
                return failure("Unknown operation: \(name)")
            }
            let output = config["outputField"].isTruthy ? config["outputField"] : .string("\(field.jsString)_\(name)")
            FieldPaths.set(&context.state, try FieldPaths.segments(output, receiver: "keyPath"), result)
            context.state["objectUtilResult"] = result
            return [NodeEdge(edge, ["result": result, "operation": operation, "field": field, "outputField": output])]
        } catch {
            return [NodeEdge("error", ["error": .string(error.message), "operation": operation, "field": field, "details": error.details])]
        }
    }

    private func hasField(_ object: ScriptValue, _ path: ScriptValue) throws(NodeFailure) -> Bool {
        guard FieldPaths.isContainer(object) else { return false }
        var current = object
        for segment in try FieldPaths.segments(path) {
            guard FieldPaths.isContainer(current), FieldPaths.has(current, segment) else { return false }
            current = ScriptAccess.get(current, segment)
        }
        return true
    }

    /// `{...target}` with each own key of `source` copied in (when `overwrite`, or when
    /// `target` lacks it); `deep` merges two plain objects under the same key recursively.
    private func merge(_ target: ScriptValue, _ source: ScriptValue, overwrite: Bool, deep: Bool) -> ScriptValue {
        guard FieldPaths.isContainer(target) else { return source }
        guard FieldPaths.isContainer(source) else { return target }
        var result = FieldPaths.spread(target)
        for (key, value) in FieldPaths.spread(source) where overwrite || !FieldPaths.has(.object(result), key) {
            if deep, case .object = result[key], case .object = value {
                result[key] = merge(result[key], value, overwrite: overwrite, deep: true)
            } else {
                result[key] = value
            }
        }
        return .object(result)
    }

    /// A copy without the last segment's key; unchanged when the path does not exist.
    private func delete(_ value: ScriptValue, _ segments: ArraySlice<String>) -> ScriptValue {
        guard let key = segments.first else { return value }
        if segments.count == 1 {
            // `delete` on an array index leaves a hole, which the JSON copy turns into null.
            switch value {
            case .object(var object): object.removeValue(forKey: key); return .object(object)
            case .array(var items):
                if let index = ScriptObject.arrayIndex(key).map(Int.init), index < items.count { items[index] = .null }
                return .array(items)
            default: return value
            }
        }
        guard FieldPaths.has(value, key) else { return value }
        let child = ScriptAccess.get(value, key)
        guard FieldPaths.isContainer(child) else { return value }
        var copy = value
        FieldPaths.assign(&copy, key, delete(child, segments.dropFirst()))
        return copy
    }
}
