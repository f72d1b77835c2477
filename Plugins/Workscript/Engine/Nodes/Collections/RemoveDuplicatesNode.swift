import Foundation

/// `removeDuplicates`: splits the inputs' `items` into kept (first of each kind) and discarded
/// ones. Two items are the same when the JSON of their compared fields, keys sorted, is the
/// same: every field (`all_fields`, the default), all but `fieldsToExclude` (`all_except`) or
/// `fieldsToCompare` (`selected_fields`, dotted paths unless `disableDotNotation`).
/// `previous_executions` also remembers kept items in `_deduplicationHistory` (by step key,
/// or by workflow with `scope: workflow`, the last `historySize` of them); `clear_history`
/// resets it. Writes `keptItems`, `discardedItems` and `deduplicationSummary`. With both kinds
/// present upstream returns both edges and `kept` wins; nothing kept takes `discarded`.
public struct RemoveDuplicatesNode: WorkflowNode {
    public init() {}
    public let metadata = NodeMetadata(
        id: "removeDuplicates", name: "Remove Duplicates",
        description: "Identify and remove duplicate items based on field comparison with optional history tracking",
        inputs: ["operation", "compareMode", "fieldsToCompare", "fieldsToExclude", "removeOtherFields", "disableDotNotation", "scope", "historySize"],
        outputs: ["kept", "discarded", "keptCount", "discardedCount"],
        hints: NodeHints(
            purpose: "Remove duplicate items from datasets based on configurable field comparison strategies",
            whenToUse: "When you need to deduplicate items by specific fields, maintain unique records, or track duplicates across workflow executions",
            expectedEdges: ["kept", "discarded", "cleared", "error"],
            exampleUsage: #"{"dedupe-1": {"operation": "current_input", "compareMode": "selected_fields", "fieldsToCompare": ["email"], "kept?": "process-unique"}}"#,
            exampleConfig: #"{"operation": "current_input|previous_executions|clear_history", "compareMode": "all_fields|all_except|selected_fields", "fieldsToCompare": "[string, ...]", "fieldsToExclude?": "[string, ...]", "removeOtherFields?": "boolean", "disableDotNotation?": "boolean", "historySize?": "number"}"#,
            getFromState: ["_deduplicationHistory"],
            postToState: ["keptItems", "discardedItems", "deduplicationSummary", "_deduplicationHistory"]),
        config: [
            NodeConfigField("operation", .string, default: "current_input", description: "current_input, previous_executions or clear_history"),
            NodeConfigField("compareMode", .string, default: "all_fields", description: "all_fields, all_except or selected_fields"),
            NodeConfigField("fieldsToCompare", .array, default: [], description: "fields compared in selected_fields mode"),
            NodeConfigField("fieldsToExclude", .array, default: [], description: "fields ignored in all_except mode"),
            NodeConfigField("removeOtherFields", .boolean, default: false, description: "keep only the compared fields in kept items"),
            NodeConfigField("disableDotNotation", .boolean, default: false, description: "field names are keys, not dotted paths"),
            NodeConfigField("scope", .string, default: "node", description: "history per step (node) or per workflow"),
            NodeConfigField("historySize", .number, default: 1000, description: "kept items remembered by previous_executions"),
        ],
        category: "dataManipulation")

    struct Comparison {
        let mode: ScriptValue
        let fieldsToCompare: ScriptValue
        let fieldsToExclude: ScriptValue
        let plainKeys: Bool
    }

    public func execute(_ context: inout NodeContext, config: ScriptObject) async throws -> [NodeEdge] {
        func setting(_ key: String, _ fallback: ScriptValue) -> ScriptValue { config[key].isUndefined ? fallback : config[key] }
        let operation = setting("operation", "current_input"), scope = setting("scope", "node")
        let comparison = Comparison(mode: setting("compareMode", "all_fields"), fieldsToCompare: setting("fieldsToCompare", []),
                                    fieldsToExclude: setting("fieldsToExclude", []), plainKeys: config["disableDotNotation"].isTruthy)
        let removeOthers = config["removeOtherFields"].isTruthy
        let historySize = setting("historySize", 1000)

        if operation == "clear_history" {
            context.state["_deduplicationHistory"] = ["items": [], "nodeId": .string(context.nodeId), "workflowId": .string(context.workflowId)]
            return [NodeEdge("cleared", ["message": "Deduplication history cleared", "scope": scope])]
        }
        let source = context.input("items").isTruthy ? context.input("items") : []
        guard case .array(let items) = source else {
            return [NodeEdge("error", ["error": "Input items must be an array", "received": .string(source.typeOf)])]
        }
        let mode = comparison.mode
        if mode == "selected_fields" && Self.isEmptyList(comparison.fieldsToCompare) {
            return [NodeEdge("error", ["error": "fieldsToCompare is required when compareMode is \"selected_fields\"", "compareMode": mode])]
        }
        if mode == "all_except" && Self.isEmptyList(comparison.fieldsToExclude) {
            return [NodeEdge("error", ["error": "fieldsToExclude is required when compareMode is \"all_except\"", "compareMode": mode])]
        }

        let remembers = operation == "previous_executions"
        let historyKey = scope == "workflow" ? "_dedup_\(context.workflowId)" : "_dedup_\(context.nodeId)"
        var history: [ScriptValue] = []
        var kept: [ScriptValue] = [], discarded: [ScriptValue] = []
        do {
            if remembers {
                if !context.state["_deduplicationHistory"].isTruthy { context.state["_deduplicationHistory"] = .object([:]) }
                let stored = ScriptAccess.get(context.state["_deduplicationHistory"], historyKey)
                history = stored.isTruthy ? try ItemAccess.iterate(stored) : []
            }
            var seen = Set<UnitKey>()
            for earlier in history { seen.insert(UnitKey(try Self.hash(earlier, comparison))) }
            for item in items {
                let hash = UnitKey(try Self.hash(item, comparison))
                if seen.contains(hash) {
                    discarded.append(item)
                } else {
                    seen.insert(hash)
                    kept.append(removeOthers && mode != "all_fields" ? try Self.onlyCompared(item, comparison) : item)
                }
            }
        } catch {
            return [NodeEdge("error", ["error": .string(error.message), "nodeId": .string(context.nodeId), "details": .string(error.stack)])]
        }

        if remembers {
            let trimmed = ScriptValue.array(ArrayFunctions.slice(history + kept, -historySize.jsNumber))
            switch context.state["_deduplicationHistory"] {
            case .object(var store):
                store[historyKey] = trimmed
                context.state["_deduplicationHistory"] = .object(store)
            case .string, .number, .bool:
                // Assigning a property to a primitive throws in upstream's strict-mode module.
                let failure = CaughtScriptError.typeError("Attempted to assign to readonly property.")
                return [NodeEdge("error", ["error": .string(failure.message), "nodeId": .string(context.nodeId), "details": .string(failure.stack)])]
            default:
                break // an array takes the property, which JSON then drops
            }
        }
        let keptValue = ScriptValue.array(kept), discardedValue = ScriptValue.array(discarded)
        let keptCount = ScriptValue.number(Double(kept.count)), discardedCount = ScriptValue.number(Double(discarded.count))
        context.state["keptItems"] = keptValue
        context.state["discardedItems"] = discardedValue
        context.state["deduplicationSummary"] = ["totalItems": .number(Double(items.count)), "keptCount": keptCount, "discardedCount": discardedCount,
                                                 "operation": operation, "compareMode": mode, "timestamp": .string(ISOTime.now())]
        let discardedEdge = NodeEdge("discarded", ["items": discardedValue, "discardedCount": discardedCount])
        if kept.isEmpty { return [discardedEdge] }
        let keptEdge = NodeEdge("kept", ["items": keptValue, "keptCount": keptCount, "discardedCount": discardedCount])
        return discarded.isEmpty ? [keptEdge] : [keptEdge, discardedEdge]
    }

    /// `!list || list.length === 0`.
    static func isEmptyList(_ list: ScriptValue) -> Bool {
        !list.isTruthy || ScriptAccess.get(list, "length").strictlyEquals(0)
    }

    /// The JSON of the compared fields with their keys sorted; a primitive's own JSON.
    static func hash(_ item: ScriptValue, _ comparison: Comparison) throws(CaughtScriptError) -> String {
        switch item {
        case .object, .array: break
        default: return ScriptJSON.stringify(item) ?? "\u{0}undefined"
        }
        let keys = ItemAccess.keys(item)
        let fields: [ScriptValue]
        switch comparison.mode {
        case "all_except":
            var chosen: [ScriptValue] = []
            for key in keys where !(try ItemAccess.includes(comparison.fieldsToExclude, .string(key), listName: "fieldsToExclude")) {
                chosen.append(.string(key))
            }
            fields = chosen
        case "selected_fields": fields = try ItemAccess.iterate(comparison.fieldsToCompare)
        default: fields = keys.map { .string($0) }
        }
        var compared = ScriptObject()
        for field in fields {
            let value = comparison.plainKeys ? ScriptAccess.get(item, field.jsString) : try ItemAccess.nested(item, path: field)
            compared[field.jsString] = value
        }
        var sorted = ScriptObject(minimumCapacity: compared.count)
        for key in compared.keys.sorted(by: UnitText.less) { sorted[key] = compared[key] }
        return ScriptJSON.stringify(.object(sorted)) ?? ""
    }

    /// A kept item reduced to the compared fields (top-level keys only).
    static func onlyCompared(_ item: ScriptValue, _ comparison: Comparison) throws(CaughtScriptError) -> ScriptValue {
        guard item.isTruthy, item.typeOf == "object" else { return item }
        var filtered = ScriptObject()
        switch comparison.mode {
        case "all_except":
            for (key, value) in ItemAccess.spread(item) where !(try ItemAccess.includes(comparison.fieldsToExclude, .string(key), listName: "fieldsToExclude")) {
                filtered[key] = value
            }
        case "selected_fields":
            let own = ItemAccess.spread(item)
            for field in try ItemAccess.iterate(comparison.fieldsToCompare) {
                let key = field.jsString
                if own.contains(key) || (item.arrayValue != nil && key == "length") { filtered[key] = ScriptAccess.get(item, key) }
            }
        default: return item
        }
        return .object(filtered)
    }
}
