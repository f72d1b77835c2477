import Foundation

/// `sort`: orders the inputs' `items` (the previous edge's `items`, or the state's, which
/// wins) and writes `sortedItems`. `type` is required: `simple` sorts by `fieldsToSortBy`
/// (`[{fieldName, order: ascending|descending}]`, dotted paths unless `disableDotNotation`),
/// stable and key by key; `random` shuffles. Values compare as upstream: `null`/missing last,
/// numbers numerically (`NaN` last), booleans false first, anything else as lower-cased text.
/// An empty list succeeds before the fields are checked.
public struct SortNode: WorkflowNode {
    public init() {}
    public let metadata = NodeMetadata(
        id: "sort", name: "Sort Items", description: "Universal node for sorting items based on field values or random order",
        inputs: ["type", "fieldsToSortBy", "disableDotNotation"], outputs: ["items", "count"],
        hints: NodeHints(
            purpose: "Sort items by field values (ascending/descending) or randomly shuffle them",
            whenToUse: "When you need to order data by specific criteria, support multi-field sorting, or randomize item order",
            expectedEdges: ["success", "error"],
            exampleUsage: #"{"sort-1": {"type": "simple", "fieldsToSortBy": [{"fieldName": "score", "order": "descending"}], "success?": "next-node"}}"#,
            exampleConfig: #"{"type": "simple|random", "fieldsToSortBy?": "[{fieldName: string, order: ascending|descending}, ...]", "disableDotNotation?": "boolean"}"#,
            postToState: ["sortedItems"]),
        config: [
            NodeConfigField("type", .string, required: true, description: "simple or random"),
            NodeConfigField("fieldsToSortBy", .array, description: "[{fieldName, order: ascending|descending}], required for simple"),
            NodeConfigField("disableDotNotation", .boolean, default: false, description: "field names are keys, not dotted paths"),
        ],
        category: "dataManipulation")

    public func execute(_ context: inout NodeContext, config: ScriptObject) async throws -> [NodeEdge] {
        let type = config["type"], nodeId = ScriptValue.string(context.nodeId)
        guard type.isTruthy else {
            return [NodeEdge("error", ["error": "Missing required parameter: type", "nodeId": nodeId, "suggestion": "Specify type as \"simple\" or \"random\""])]
        }
        guard type == "simple" || type == "random" else {
            return [NodeEdge("error", ["error": .string("Invalid type: \(type.jsString)"), "nodeId": nodeId, "validTypes": ["simple", "random"],
                                       "suggestion": "Use \"simple\" for field-based sorting or \"random\" for shuffle"])]
        }
        let source = context.input("items").isTruthy ? context.input("items") : []
        guard case .array(let items) = source else {
            return [NodeEdge("error", ["error": "Input items must be an array", "nodeId": nodeId, "receivedType": .string(source.typeOf)])]
        }
        if items.isEmpty {
            context.state["sortedItems"] = []
            return [NodeEdge("success", ["items": [], "count": 0, "message": "No items to sort"])]
        }

        let sorted: [ScriptValue]
        if type == "random" {
            sorted = ArrayFunctions.shuffled(items)
        } else {
            guard case .array(let fields) = config["fieldsToSortBy"], !fields.isEmpty else {
                return [NodeEdge("error", ["error": "Missing or invalid fieldsToSortBy parameter for simple sort", "nodeId": nodeId,
                                           "suggestion": "Provide an array of field configurations with fieldName and order"])]
            }
            var keys: [(path: String, descending: Bool)] = []
            for field in fields {
                if field.isNullish {
                    let failure = CaughtScriptError.typeError("\(field.jsString) is not an object (evaluating 'field.fieldName')")
                    return [NodeEdge("error", ["error": .string(failure.message), "nodeId": nodeId, "details": .string(failure.stack)])]
                }
                let name = ScriptAccess.get(field, "fieldName"), order = ScriptAccess.get(field, "order")
                guard case .string(let path) = name, !path.isEmpty else {
                    return [NodeEdge("error", ["error": "Each sort field must have a valid fieldName", "nodeId": nodeId, "invalidField": field])]
                }
                guard order == "ascending" || order == "descending" else {
                    return [NodeEdge("error", ["error": .string("Invalid sort order: \(order.jsString)"), "nodeId": nodeId, "fieldName": name,
                                               "validOrders": ["ascending", "descending"]])]
                }
                keys.append((path, order == "descending"))
            }
            let plainKeys = config["disableDotNotation"].isTruthy
            do {
                sorted = try ArrayFunctions.stableSorted(items) { (a, b) throws(CaughtScriptError) in
                    for key in keys {
                        let comparison = try Self.compare(Self.value(a, key.path, plainKeys), Self.value(b, key.path, plainKeys))
                        if comparison != 0 { return key.descending ? -comparison : comparison }
                    }
                    return 0
                }
            } catch {
                return [NodeEdge("error", ["error": .string(error.message), "nodeId": nodeId, "details": .string(error.stack)])]
            }
        }
        context.state["sortedItems"] = .array(sorted)
        return [NodeEdge("success", ["items": .array(sorted), "count": .number(Double(sorted.count)), "sortType": type,
                                     "timestamp": .string(ISOTime.now())])]
    }

    static func value(_ item: ScriptValue, _ path: String, _ plainKeys: Bool) -> ScriptValue {
        if item.isNullish { return .undefined }
        return plainKeys ? ScriptAccess.get(item, path) : ItemAccess.nested(item, path)
    }

    /// Upstream's comparator: negative when `a` goes first.
    static func compare(_ a: ScriptValue, _ b: ScriptValue) throws(CaughtScriptError) -> Double {
        switch (a.isNullish, b.isNullish) {
        case (true, true): return 0
        case (true, false): return 1
        case (false, true): return -1
        default: break
        }
        switch (a, b) {
        case (.number(let x), .number(let y)):
            if x.isNaN { return y.isNaN ? 0 : 1 }
            if y.isNaN { return -1 }
            return x - y
        case (.bool(let x), .bool(let y)):
            return x == y ? 0 : x ? 1 : -1
        default:
            let x = try ItemAccess.text(a).lowercased(), y = try ItemAccess.text(b).lowercased()
            if UnitText.less(x, y) { return -1 }
            if UnitText.less(y, x) { return 1 }
            return 0
        }
    }
}
