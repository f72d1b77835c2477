/// `aggregate`: gathers the inputs' `items` (the previous edge's `items`, or the state's, which
/// wins) into one object. `all_data` (the default) puts the list under `outputField` (`data`),
/// dropping each item's `_binary` unless `includeBinaries`; `individual_fields` collects each
/// `fields[].inputFieldName` (a dotted path) into an array named `outputFieldName`, skipping
/// missing values unless `keepMissingValues` (then `null`) and flattening arrays with
/// `mergeLists`. Writes `aggregatedData` and `itemCount`; no items takes `empty`. As upstream,
/// a `null` item fails with JavaScript's `TypeError` on reading its `_binary`.
public struct AggregateNode: WorkflowNode {
    public init() {}
    public let metadata = NodeMetadata(
        id: "aggregate", name: "Aggregate Node", description: "Combine multiple items into a single item with grouped data",
        inputs: ["mode", "fields", "outputField", "includeBinaries", "keepMissingValues"], outputs: ["aggregatedData", "itemCount"],
        hints: NodeHints(
            purpose: "Combine multiple items into a single item with grouped data arrays",
            whenToUse: "When you need to collect data from multiple items into arrays or aggregate all items into a single collection",
            expectedEdges: ["success", "empty", "error"],
            exampleUsage: #"{"aggregate-1": {"mode": "individual_fields", "fields": [{"inputFieldName": "name", "outputFieldName": "names"}], "success?": "next-node"}}"#,
            exampleConfig: #"{"mode": "individual_fields|all_data", "fields": "[{inputFieldName: string, outputFieldName?: string, mergeLists?: boolean}]", "outputField?": "string", "includeBinaries?": "boolean", "keepMissingValues?": "boolean"}"#,
            postToState: ["aggregatedData", "itemCount"]),
        config: [
            NodeConfigField("mode", .string, default: "all_data", description: "all_data or individual_fields"),
            NodeConfigField("fields", .array, default: [], description: "[{inputFieldName, outputFieldName?, mergeLists?}] for individual_fields"),
            NodeConfigField("outputField", .string, default: "data", description: "key of the list in all_data mode"),
            NodeConfigField("includeBinaries", .boolean, default: false, description: "keep _binary (all_data) or collect it into _binaries"),
            NodeConfigField("keepMissingValues", .boolean, default: false, description: "null for a missing field instead of skipping it"),
        ],
        category: "dataManipulation")

    public func execute(_ context: inout NodeContext, config: ScriptObject) async throws -> [NodeEdge] {
        let mode = config["mode"].isUndefined ? ScriptValue.string("all_data") : config["mode"]
        let fields = config["fields"].isUndefined ? ScriptValue.array([]) : config["fields"]
        let outputField = config["outputField"].isUndefined ? "data" : config["outputField"].jsString
        let includeBinaries = config["includeBinaries"].isTruthy
        let keepMissing = config["keepMissingValues"].isTruthy
        let nodeId = ScriptValue.string(context.nodeId)

        guard mode == "individual_fields" || mode == "all_data" else {
            return [NodeEdge("error", ["error": .string("Invalid mode: \(mode.jsString). Must be \"individual_fields\" or \"all_data\""), "nodeId": nodeId])]
        }
        let source = context.input("items").isTruthy ? context.input("items") : []
        guard case .array(let items) = source, !items.isEmpty else {
            let empty: ScriptValue = mode == "all_data" ? .object([outputField: []]) : .object([:])
            context.state["aggregatedData"] = empty
            context.state["itemCount"] = 0
            return [NodeEdge("empty", ["aggregatedData": empty, "itemCount": 0, "message": "No items to aggregate"])]
        }
        let result: ScriptObject
        do {
            result = mode == "all_data"
                ? try Self.allData(items, outputField, includeBinaries)
                : try Self.individualFields(items, fields, keepMissing, includeBinaries)
        } catch {
            return [NodeEdge("error", ["error": .string(error.message), "nodeId": nodeId, "details": .string(error.stack)])]
        }
        let count = ScriptValue.number(Double(items.count))
        context.state["aggregatedData"] = .object(result)
        context.state["itemCount"] = count
        return [NodeEdge("success", ["aggregatedData": .object(result), "itemCount": count, "mode": mode])]
    }

    static func allData(_ items: [ScriptValue], _ outputField: String, _ includeBinaries: Bool) throws(CaughtScriptError) -> ScriptObject {
        var kept: [ScriptValue] = []
        for item in items {
            if !includeBinaries, try ItemAccess.member(item, "_binary", expression: "item._binary").isTruthy, case .object(var object) = item {
                object.removeValue(forKey: "_binary")
                kept.append(.object(object))
            } else {
                kept.append(item)
            }
        }
        return [outputField: .array(kept)]
    }

    static func individualFields(_ items: [ScriptValue], _ fields: ScriptValue, _ keepMissing: Bool, _ includeBinaries: Bool) throws(CaughtScriptError) -> ScriptObject {
        guard case .array(let specs) = fields, !specs.isEmpty else {
            throw .error("Fields configuration is required for individual_fields mode")
        }
        var result = ScriptObject()
        for spec in specs {
            if spec.isNullish { throw .destructuring("inputFieldName") }
            let input = ScriptAccess.get(spec, "inputFieldName"), output = ScriptAccess.get(spec, "outputFieldName")
            guard input.isTruthy else { throw .error("inputFieldName is required for each field configuration") }
            let mergeLists = ScriptAccess.get(spec, "mergeLists").isTruthy
            var values: [ScriptValue] = []
            for item in items {
                let value = try ItemAccess.nested(item, path: input)
                if value.isUndefined {
                    if keepMissing { values.append(.null) }
                } else if mergeLists, case .array(let inner) = value {
                    values.append(contentsOf: inner)
                } else {
                    values.append(value)
                }
            }
            result[(output.isTruthy ? output : input).jsString] = .array(values)
        }
        if includeBinaries {
            var binaries: [ScriptValue] = []
            for item in items {
                let binary = try ItemAccess.member(item, "_binary", expression: "item._binary")
                if binary.isTruthy { binaries.append(binary) }
            }
            if !binaries.isEmpty { result["_binaries"] = .array(binaries) }
        }
        return result
    }
}
