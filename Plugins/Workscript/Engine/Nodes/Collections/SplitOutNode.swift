/// `splitOut`: turns the array at `arrayPath` (a dotted path into the inputs, i.e. the previous
/// edge's data and the whole state) into one item per element. With `keepParentData` (on by
/// default) each item is a JSON copy of all the inputs, `_nodeConfig` included, without the
/// array, plus the element under `as` (`item`); otherwise just `{[as]: element}`. Writes
/// `splitOutResult` and `splitOutCount`; an empty array takes `empty` and writes them too,
/// a `null` one takes `empty` without writing.
public struct SplitOutNode: WorkflowNode {
    public init() {}
    public let metadata = NodeMetadata(
        id: "splitOut", name: "Split Out",
        description: "Universal node - converts a single item with an array into multiple items, one for each array element",
        inputs: ["arrayPath", "keepParentData", "as"], outputs: ["item", "order_id"],
        hints: NodeHints(
            purpose: "Convert a single item containing an array into multiple items, creating one output item per array element",
            whenToUse: "When you need to process array elements individually, such as splitting order items, user lists, or grouped data into separate items",
            expectedEdges: ["success", "empty", "error"],
            exampleUsage: #"{"split-out-1": {"arrayPath": "items", "keepParentData": true, "as": "item", "success?": "process-items"}}"#,
            exampleConfig: #"{"arrayPath": "string (dot notation path)", "keepParentData?": "boolean", "as?": "string"}"#,
            postToState: ["splitOutResult", "splitOutCount"]),
        config: [
            NodeConfigField("arrayPath", .string, required: true, description: "dotted path of the array in the inputs"),
            NodeConfigField("keepParentData", .boolean, default: true, description: "copy the other inputs into every item"),
            NodeConfigField("as", .string, default: "item", description: "key of the element in each item"),
        ],
        category: "dataManipulation")

    public func execute(_ context: inout NodeContext, config: ScriptObject) async throws -> [NodeEdge] {
        let nodeId = ScriptValue.string(context.nodeId)
        guard case .string(let path) = config["arrayPath"], !path.isEmpty else {
            return [NodeEdge("error", ["error": "Missing or invalid required parameter: arrayPath", "nodeId": nodeId,
                                       "expected": "string (dot notation path to array field)", "received": .string(config["arrayPath"].typeOf)])]
        }
        let keepParent = config["keepParentData"].isUndefined ? true : config["keepParentData"].isTruthy
        let key = config["as"].isUndefined ? "item" : config["as"].jsString
        let inputs = ScriptValue.object(context.inputs)
        let found = ItemAccess.nested(inputs, path, dropEmpty: true)
        let pathValue = ScriptValue.string(path)

        switch found {
        case .undefined:
            return [NodeEdge("error", ["error": .string("Array path not found: \(path)"), "nodeId": nodeId, "arrayPath": pathValue,
                                       "availableFields": .array((inputs.objectValue?.keys ?? []).map { .string($0) })])]
        case .null:
            return [NodeEdge("empty", ["message": .string("Array at path \"\(path)\" is null"), "arrayPath": pathValue, "count": 0])]
        case .array(let elements) where elements.isEmpty:
            context.state["splitOutResult"] = []
            context.state["splitOutCount"] = 0
            return [NodeEdge("empty", ["message": "Array is empty", "arrayPath": pathValue, "count": 0])]
        case .array(let elements):
            var parent = ScriptObject()
            if keepParent, case .object(let copy) = inputs.jsonRoundTripped {
                parent = copy
                Self.remove(path, from: &parent)
            }
            let items: [ScriptValue] = elements.map { element in
                var item = keepParent ? parent : ScriptObject()
                item[key] = element
                return .object(item)
            }
            context.state["splitOutResult"] = .array(items)
            context.state["splitOutCount"] = .number(Double(items.count))
            return [NodeEdge("success", ["items": .array(items), "count": .number(Double(items.count)), "arrayPath": pathValue,
                                         "message": .string("Successfully split \(items.count) items from array at \"\(path)\"")])]
        default:
            return [NodeEdge("error", ["error": .string("Value at path \"\(path)\" is not an array"), "nodeId": nodeId, "arrayPath": pathValue,
                                       "actualType": .string(found.typeOf), "value": found])]
        }
    }

    /// `delete` of the value at a dotted path, stopping quietly where a step is missing; an
    /// array element deleted this way leaves a hole, which JSON writes as `null`.
    static func remove(_ path: String, from root: inout ScriptObject) {
        let segments = path.split(separator: ".").map(String.init)
        guard let first = segments.first else { return }
        if segments.count == 1 { root.removeValue(forKey: first); return }
        var child = root[first]
        guard removeNested(segments.dropFirst(), from: &child) else { return }
        root[first] = child
    }

    private static func removeNested(_ segments: ArraySlice<String>, from value: inout ScriptValue) -> Bool {
        guard let first = segments.first else { return false }
        switch value {
        case .object(var object):
            if segments.count == 1 {
                guard object.contains(first) else { return false }
                object.removeValue(forKey: first)
            } else {
                var child = object[first]
                guard removeNested(segments.dropFirst(), from: &child) else { return false }
                object[first] = child
            }
            value = .object(object)
            return true
        case .array(var items):
            guard let index = ScriptObject.arrayIndex(first).map(Int.init), index < items.count else { return false }
            if segments.count == 1 {
                items[index] = .null
            } else {
                var child = items[index]
                guard removeNested(segments.dropFirst(), from: &child) else { return false }
                items[index] = child
            }
            value = .array(items)
            return true
        default:
            return false
        }
    }
}
