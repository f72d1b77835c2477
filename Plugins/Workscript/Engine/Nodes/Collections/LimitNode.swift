/// `limit`: keeps at most `maxItems` of `items` (both required, from the config), from the
/// `beginning` (default) or the `end`. A list that already fits takes `all_items`; a cut one
/// takes `success`. Writes `limitedItems`, `limitCount` and `limitOriginalCount`. A
/// fractional `maxItems` cuts as `slice` truncates it.
public struct LimitNode: WorkflowNode {
    public init() {}
    public let metadata = NodeMetadata(
        id: "limit", name: "Limit Node",
        description: "Universal node - limits the number of items passing through by keeping a specified number from the beginning or end",
        inputs: ["items", "maxItems", "keepFrom"], outputs: ["limitedItems", "count", "originalCount"],
        hints: NodeHints(
            purpose: "Limit the number of items in an array to a maximum count, keeping items from beginning or end",
            whenToUse: "When you need to paginate results, work with a subset of data, test with sample data, or control processing load",
            expectedEdges: ["success", "all_items", "error"],
            exampleUsage: #"{"limit-1": {"items": [1,2,3,4,5], "maxItems": 3, "keepFrom": "beginning", "success?": "next-node"}}"#,
            exampleConfig: #"{"items": "[any, ...]", "maxItems": "number", "keepFrom?": "beginning|end"}"#,
            postToState: ["limitedItems", "limitCount", "limitOriginalCount"]),
        config: [
            NodeConfigField("items", .array, required: true, description: "the list to cut"),
            NodeConfigField("maxItems", .number, required: true, description: "how many to keep; greater than 0"),
            NodeConfigField("keepFrom", .string, default: "beginning", description: "beginning or end"),
        ],
        category: "dataManipulation")

    public func execute(_ context: inout NodeContext, config: ScriptObject) async throws -> [NodeEdge] {
        let items = config["items"], maxItems = config["maxItems"]
        let keepFrom = config["keepFrom"].isUndefined ? ScriptValue.string("beginning") : config["keepFrom"]
        let nodeId = ScriptValue.string(context.nodeId)
        guard items.isTruthy else { return [NodeEdge("error", ["error": "Missing required parameter: items", "nodeId": nodeId])] }
        guard maxItems.isTruthy, case .number(let limit) = maxItems else {
            return [NodeEdge("error", ["error": "Missing or invalid required parameter: maxItems (must be a number)", "nodeId": nodeId])]
        }
        guard limit > 0 else {
            return [NodeEdge("error", ["error": "Invalid maxItems: must be greater than 0", "nodeId": nodeId, "maxItems": maxItems])]
        }
        guard case .array(let list) = items else {
            return [NodeEdge("error", ["error": "Invalid items parameter: must be an array", "nodeId": nodeId, "itemsType": .string(items.typeOf)])]
        }
        guard keepFrom == "beginning" || keepFrom == "end" else {
            return [NodeEdge("error", ["error": "Invalid keepFrom parameter: must be \"beginning\" or \"end\"", "nodeId": nodeId, "keepFrom": keepFrom])]
        }
        let original = ScriptValue.number(Double(list.count))
        if Double(list.count) <= limit {
            context.state["limitedItems"] = items
            context.state["limitCount"] = original
            context.state["limitOriginalCount"] = original
            return [NodeEdge("all_items", ["limitedItems": items, "count": original, "originalCount": original,
                                           "message": .string("All \(list.count) items kept (fewer than maxItems: \(ScriptNumber.format(limit)))")])]
        }
        let kept = keepFrom == "beginning" ? ArrayFunctions.slice(list, 0, limit) : ArrayFunctions.slice(list, -limit)
        let count = ScriptValue.number(Double(kept.count))
        context.state["limitedItems"] = .array(kept)
        context.state["limitCount"] = count
        context.state["limitOriginalCount"] = original
        return [NodeEdge("success", ["limitedItems": .array(kept), "count": count, "originalCount": original, "keepFrom": keepFrom,
                                     "itemsRemoved": .number(Double(list.count - kept.count))])]
    }
}
