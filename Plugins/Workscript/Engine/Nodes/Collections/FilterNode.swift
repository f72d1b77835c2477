/// `filter`: keeps the `items` (from the config) that meet `conditions`, all of them
/// (`matchMode: all`, the default) or any. Each condition reads `field` (a dotted path) and
/// tests it by `dataType` (required) and `operation`: string, number, boolean, date, array
/// or object operations, as listed in the metadata; `combineWith` is ignored. As upstream,
/// the edge is always `passed` (its `filtered` edge is commented out), conditions stop at the
/// first that decides, and an unknown type or operation, met on the way, is an `error` edge.
/// Writes `filterPassed`, `filterFiltered` and `filterStats`.
public struct FilterNode: WorkflowNode {
    public init() {}
    public let metadata = NodeMetadata(
        id: "filter", name: "Filter",
        description: "Universal node - filters items based on complex conditions with multiple data types and operations",
        inputs: ["items", "conditions", "matchMode"], outputs: ["passed", "filtered", "passedCount", "filteredCount", "totalCount"],
        hints: NodeHints(
            purpose: "Filter items based on conditions with support for multiple data types and operations",
            whenToUse: "When you need to filter arrays of items based on string, number, boolean, date, array, or object conditions",
            expectedEdges: ["passed", "filtered", "error"],
            exampleUsage: #"{"filter-1": {"items": [{"price": 25, "active": true}], "conditions": [{"field": "price", "dataType": "number", "operation": "gt", "value": 20}], "matchMode": "all", "passed?": "process-items"}}"#,
            exampleConfig: #"{"items": "[object, ...]", "conditions": "[{field: string, dataType: string|number|boolean|date|array|object, operation: string, value: any, value2?: any, combineWith?: AND|OR}, ...]", "matchMode?": "all|any"}"#,
            postToState: ["filterPassed", "filterFiltered", "filterStats"]),
        config: [
            NodeConfigField("items", .array, required: true, description: "the list to filter"),
            NodeConfigField("conditions", .array, required: true, description: "[{field, dataType, operation, value?, value2?}], at least one"),
            NodeConfigField("matchMode", .string, default: "all", description: "all or any"),
        ],
        category: "dataManipulation")

    public func execute(_ context: inout NodeContext, config: ScriptObject) async throws -> [NodeEdge] {
        let items = config["items"], conditions = config["conditions"]
        let matchMode = config["matchMode"].isUndefined ? ScriptValue.string("all") : config["matchMode"]
        let nodeId = ScriptValue.string(context.nodeId)
        guard items.isTruthy, case .array(let list) = items else {
            return [NodeEdge("error", ["error": "Missing or invalid items parameter", "expected": "array of objects", "received": .string(items.typeOf), "nodeId": nodeId])]
        }
        guard case .array(let rules) = conditions, !rules.isEmpty else {
            return [NodeEdge("error", ["error": "Missing or invalid conditions parameter", "expected": "non-empty array of condition objects",
                                       "received": .string(conditions.typeOf), "nodeId": nodeId])]
        }
        guard matchMode == "all" || matchMode == "any" else {
            return [NodeEdge("error", ["error": "Invalid matchMode parameter", "expected": "\"all\" or \"any\"", "received": matchMode, "nodeId": nodeId])]
        }
        var passed: [ScriptValue] = [], filtered: [ScriptValue] = []
        do {
            for item in list {
                var matches = matchMode == "all"
                for rule in rules {
                    let holds = try FilterCondition.evaluate(item, rule)
                    if matchMode == "all" && !holds { matches = false; break }
                    if matchMode == "any" && holds { matches = true; break }
                }
                if matches { passed.append(item) } else { filtered.append(item) }
            }
        } catch {
            return [NodeEdge("error", ["error": .string(error.message), "nodeId": nodeId, "details": .string(error.stack)])]
        }
        let total = Double(list.count)
        let passedCount = ScriptValue.number(Double(passed.count)), filteredCount = ScriptValue.number(Double(filtered.count))
        context.state["filterPassed"] = .array(passed)
        context.state["filterFiltered"] = .array(filtered)
        context.state["filterStats"] = ["passedCount": passedCount, "filteredCount": filteredCount, "totalCount": .number(total),
                                        "passRate": .number(total > 0 ? Double(passed.count) / total * 100 : 0)]
        return [NodeEdge("passed", ["items": .array(passed), "passedCount": passedCount, "filteredCount": filteredCount, "totalCount": .number(total)])]
    }
}
