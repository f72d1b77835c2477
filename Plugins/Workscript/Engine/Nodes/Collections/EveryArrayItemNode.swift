/// `every-array-item`: hands out the elements of `items` one per run (`current-item`), then
/// takes `complete`; run it as a loop step (`every-array-item...`). The first run copies the
/// array into a progress record (`__everyArrayItem_<step key>` unless `stateKey` is set), so
/// later changes to `items` are not seen. Each run writes the element under `itemKey`
/// (`currentItem`) and its index under `indexKey` (`currentIndex`). As upstream, the record is
/// never really removed (its `delete` is lost in the state merge), so a second step with the
/// same key completes at once; an empty array completes without making a record.
public struct EveryArrayItemNode: WorkflowNode {
    public init() {}
    public let metadata = NodeMetadata(
        id: "every-array-item", name: "Every Array Item",
        description: "Iterate through all elements of an array, emitting each item one at a time. Designed for loop workflows with ... suffix.",
        inputs: ["items", "itemKey", "indexKey", "stateKey"],
        outputs: ["currentItem", "currentIndex", "totalItems", "isFirst", "isLast"],
        hints: NodeHints(
            purpose: "Iterate through array elements one at a time, like Array.forEach or Array.map in JavaScript. Emits current-item edge for each element and complete edge when done.",
            whenToUse: "When you need to process each item in an array individually within a workflow loop. Use with the ... suffix on the node ID to enable automatic loop-back behavior.",
            expectedEdges: ["current-item", "complete", "error"],
            exampleUsage: #"{"every-array-item": {"items": "$.users", "itemKey": "currentUser", "indexKey": "userIndex", "current-item?": "handle-user", "complete?": "finish-processing"}}"#,
            exampleConfig: #"{"items": "$.arrayFromState or [literal, array]", "itemKey?": "string (default: currentItem)", "indexKey?": "string (default: currentIndex)", "stateKey?": "string (custom state tracking key)"}"#,
            getFromState: ["items (via state resolution)", "iteration progress (internal tracking)"],
            postToState: ["currentItem (or custom itemKey)", "currentIndex (or custom indexKey)", "everyArrayItemTotal", "everyArrayItemIsFirst", "everyArrayItemIsLast"]),
        config: [
            NodeConfigField("items", .array, description: "the array to iterate; required on the first run"),
            NodeConfigField("itemKey", .string, default: "currentItem", description: "state key of the current element"),
            NodeConfigField("indexKey", .string, default: "currentIndex", description: "state key of the current index"),
            NodeConfigField("stateKey", .string, description: "state key of the progress record (default __everyArrayItem_<step key>)"),
        ],
        category: "dataManipulation")

    public func execute(_ context: inout NodeContext, config: ScriptObject) async throws -> [NodeEdge] {
        let items = config["items"]
        let itemKey = config["itemKey"].isUndefined ? "currentItem" : config["itemKey"].jsString
        let indexKey = config["indexKey"].isUndefined ? "currentIndex" : config["indexKey"].jsString
        let recordKey = config["stateKey"].isTruthy ? config["stateKey"].jsString : "__everyArrayItem_\(context.nodeId)"
        let nodeId = ScriptValue.string(context.nodeId)
        var record = context.state[recordKey]
        let started = record.isTruthy && ScriptAccess.get(record, "initialized").isTruthy

        if !started {
            if items.isNullish {
                return [NodeEdge("error", ["error": "Missing required parameter: items", "nodeId": nodeId,
                                           "expected": "array (can use state resolution like $.myArray)", "received": .string(items.typeOf)])]
            }
            guard case .array(let elements) = items else {
                return [NodeEdge("error", ["error": "Parameter \"items\" must be an array", "nodeId": nodeId,
                                           "expected": "array", "received": .string(items.typeOf), "value": items])]
            }
            if elements.isEmpty {
                context.state[itemKey] = .undefined
                context.state[indexKey] = -1
                context.state["everyArrayItemTotal"] = 0
                context.state["everyArrayItemIsFirst"] = false
                context.state["everyArrayItemIsLast"] = false
                return [NodeEdge("complete", ["message": "Array is empty, no items to process", "totalItems": 0, "itemsProcessed": 0])]
            }
            record = ["items": items, "currentIndex": 0, "totalItems": .number(Double(elements.count)), "initialized": true]
            context.state[recordKey] = record
        }

        let index = ScriptAccess.get(record, "currentIndex"), total = ScriptAccess.get(record, "totalItems")
        if ScriptOperators.greaterOrEqual(index, total) {
            // Upstream deletes the record here; the state merge keeps it, which this mirrors.
            context.state.removeValue(forKey: recordKey)
            context.state[itemKey] = .undefined
            context.state[indexKey] = total
            context.state["everyArrayItemTotal"] = total
            context.state["everyArrayItemIsFirst"] = false
            context.state["everyArrayItemIsLast"] = true
            return [NodeEdge("complete", ["message": "All items have been processed", "totalItems": total, "itemsProcessed": total])]
        }
        let item: ScriptValue
        do {
            item = try ItemAccess.member(ScriptAccess.get(record, "items"), index.jsString, expression: "itemsArray[currentIndex]")
        } catch {
            return [NodeEdge("error", ["error": .string(error.message), "nodeId": nodeId, "details": .string(error.stack)])]
        }
        let isFirst = index.strictlyEquals(0), isLast = index.strictlyEquals(.number(total.jsNumber - 1))
        context.state[itemKey] = item
        context.state[indexKey] = index
        context.state["everyArrayItemTotal"] = total
        context.state["everyArrayItemIsFirst"] = .bool(isFirst)
        context.state["everyArrayItemIsLast"] = .bool(isLast)
        if case .object(var progress) = record {
            progress["currentIndex"] = .number(index.jsNumber + 1)
            context.state[recordKey] = .object(progress)
        }
        return [NodeEdge("current-item", ["item": item, "index": index, "totalItems": total, "isFirst": .bool(isFirst), "isLast": .bool(isLast),
                                          "remaining": .number(total.jsNumber - index.jsNumber - 1)])]
    }
}
