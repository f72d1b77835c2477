import Foundation

/// `summarize`: a pivot table over `inputs.items` — each of `fieldsToSummarize` aggregated
/// (append, average, concatenate, count, countUnique, max, min, sum), per group of
/// `fieldsToSplitBy` values when given. Writes `summarizeResult`, `summarizeGroups` and
/// `summarizeMetadata`. Kept from upstream: the group fields come back as strings (`null`
/// for a missing value), the group key is the values joined by `::` and split again, so a
/// value holding `::` shifts the others, and a state key `items` wins over edge data.
public struct SummarizeNode: WorkflowNode {
    public init() {}
    public let metadata = NodeMetadata(
        id: "summarize", name: "Summarize (Pivot)",
        description: "Aggregate data similar to Excel pivot tables - group by fields and perform aggregations (sum, average, count, etc.)",
        inputs: ["fieldsToSummarize", "fieldsToSplitBy", "outputFormat", "disableDotNotation", "skipMissingFields"], outputs: ["result", "summary", "groups"],
        hints: NodeHints(purpose: "Aggregate and summarize data with grouping, similar to Excel pivot tables or SQL GROUP BY",
                         whenToUse: "When you need to calculate totals, averages, counts, or other aggregations across grouped data",
                         expectedEdges: ["success", "error"],
                         exampleUsage: #"{"summarize-1": {"fieldsToSummarize": [{"fieldToAggregate": "sales", "aggregation": "sum", "outputFieldName": "totalSales"}], "fieldsToSplitBy": ["region"], "success?": "next-node"}}"#,
                         exampleConfig: #"{"fieldsToSummarize": "[{fieldToAggregate: string, aggregation: append|average|concatenate|count|countUnique|max|min|sum, outputFieldName: string, separator?: string, includeEmptyValues?: boolean}]", "fieldsToSplitBy?": "[string, ...]", "outputFormat?": "separate_items|single_item", "disableDotNotation?": "boolean", "skipMissingFields?": "boolean"}"#,
                         postToState: ["summarizeResult", "summarizeGroups", "summarizeMetadata"]),
        config: [
            NodeConfigField("fieldsToSummarize", .array, required: true,
                            description: "[{fieldToAggregate, aggregation, outputFieldName, separator = ', ', includeEmptyValues = false}]"),
            NodeConfigField("fieldsToSplitBy", .array, default: [], description: "fields whose values form the groups"),
            NodeConfigField("outputFormat", .string, default: "separate_items", description: "separate_items (one row per group) or single_item"),
            NodeConfigField("disableDotNotation", .boolean, default: false, description: "read field names as plain keys"),
            NodeConfigField("skipMissingFields", .boolean, default: false, description: "leave out items missing a split field"),
        ],
        category: "dataManipulation")

    private static let aggregations: [ScriptValue] = ["append", "average", "concatenate", "count", "countUnique", "max", "min", "sum"]

    public func execute(_ context: inout NodeContext, config: ScriptObject) async throws -> [NodeEdge] {
        let nodeId = ScriptValue.string(context.nodeId)
        do throws(NodeFailure) {
            let specs = config["fieldsToSummarize"]
            let splitBy = config["fieldsToSplitBy"].isUndefined ? [] : config["fieldsToSplitBy"]
            let format = config["outputFormat"].isUndefined ? "separate_items" : config["outputFormat"]
            let plainKeys = config["disableDotNotation"].isTruthy
            let skipMissing = config["skipMissingFields"].isTruthy
            guard case .array(let fields) = specs, !fields.isEmpty else {
                return [NodeEdge("error", ["error": "Missing or invalid fieldsToSummarize parameter", "expected": "Array of field aggregation configurations",
                                           "received": .string(specs.typeOf), "nodeId": nodeId])]
            }
            for field in fields {
                if field.isNullish { throw NodeFailure("\(field.jsString) is not an object (evaluating 'field.fieldToAggregate')") }
                guard ScriptAccess.get(field, "fieldToAggregate").isTruthy, ScriptAccess.get(field, "aggregation").isTruthy,
                      ScriptAccess.get(field, "outputFieldName").isTruthy else {
                    return [NodeEdge("error", ["error": "Invalid field configuration: fieldToAggregate, aggregation, and outputFieldName are required",
                                               "field": field, "nodeId": nodeId])]
                }
                let aggregation = ScriptAccess.get(field, "aggregation")
                guard SummarizeNode.aggregations.contains(where: { $0.strictlyEquals(aggregation) }) else {
                    return [NodeEdge("error", ["error": .string("Invalid aggregation type: \(aggregation.jsString)"), "valid": .array(SummarizeNode.aggregations), "nodeId": nodeId])]
                }
            }
            let source = context.input("items").isTruthy ? context.input("items") : []
            guard case .array(let items) = source else {
                return [NodeEdge("error", ["error": "Input items must be an array", "received": .string(source.typeOf), "nodeId": nodeId])]
            }
            let timestamp = ScriptValue.string(ISOTime.now())
            if items.isEmpty {
                let empty: ScriptValue = format == "single_item" ? [:] : []
                context.state["summarizeResult"] = empty
                context.state["summarizeGroups"] = []
                context.state["summarizeMetadata"] = ["itemCount": 0, "groupCount": 0, "timestamp": timestamp]
                return [NodeEdge("success", ["result": empty, "groups": [], "itemCount": 0])]
            }
            let (data, groups) = try summarize(items, fields, splitBy: splitBy, format: format, plainKeys: plainKeys, skipMissing: skipMissing)
            let groupValues = ScriptValue.array(groups.map { .string($0) })
            context.state["summarizeResult"] = data
            context.state["summarizeGroups"] = groupValues
            context.state["summarizeMetadata"] = [
                "itemCount": ScriptValue(items.count), "groupCount": ScriptValue(groups.count), "timestamp": timestamp,
                "fieldsAggregated": .array(fields.map { ScriptAccess.get($0, "fieldToAggregate") }), "groupedBy": splitBy,
            ]
            return [NodeEdge("success", ["result": data, "groups": groupValues, "itemCount": ScriptValue(items.count), "groupCount": ScriptValue(groups.count)])]
        } catch {
            return [NodeEdge("error", ["error": .string(error.message), "nodeId": nodeId, "details": error.details])]
        }
    }

    private func summarize(_ items: [ScriptValue], _ fields: [ScriptValue], splitBy: ScriptValue, format: ScriptValue,
                           plainKeys: Bool, skipMissing: Bool) throws(NodeFailure) -> (ScriptValue, [String]) {
        // `!fieldsToSplitBy || fieldsToSplitBy.length === 0`: only arrays and strings have a length.
        let noGroups: Bool = switch splitBy {
        case .array(let names): names.isEmpty
        case .string(let text): text.isEmpty
        default: !splitBy.isTruthy
        }
        if noGroups {
            let row = try aggregate(items, fields, plainKeys: plainKeys)
            return (format == "single_item" ? .object(row) : [.object(row)], ["all"])
        }
        let names = try JSTypeError.iterate(splitBy)
        var keys: [String] = []
        var members: [UnitKey: [ScriptValue]] = [:]
        nextItem: for item in items {
            var parts: [String] = []
            for name in names {
                let value = try fieldValue(item, name, plainKeys: plainKeys)
                if value.isNullish {
                    if skipMissing { continue nextItem }
                    parts.append("__null__")
                } else {
                    parts.append(value.jsString)
                }
            }
            let key = parts.joined(separator: "::")
            if members[UnitKey(key)] == nil { keys.append(key) }
            members[UnitKey(key), default: []].append(item)
        }
        var rows: [ScriptValue] = []
        for key in keys {
            var row = try aggregate(members[UnitKey(key)]!, fields, plainKeys: plainKeys)
            let parts = JSText.split(key, by: "::")
            for (i, name) in names.enumerated() {
                row[name.jsString] = i < parts.count ? (parts[i] == "__null__" ? .null : .string(parts[i])) : .undefined
            }
            rows.append(.object(row))
        }
        if format == "single_item" {
            return (["groups": .array(rows), "groupCount": ScriptValue(rows.count), "totalItems": ScriptValue(items.count)], keys)
        }
        return (.array(rows), keys)
    }

    private func aggregate(_ items: [ScriptValue], _ fields: [ScriptValue], plainKeys: Bool) throws(NodeFailure) -> ScriptObject {
        var row = ScriptObject()
        for field in fields {
            let path = ScriptAccess.get(field, "fieldToAggregate")
            let separator = ScriptAccess.get(field, "separator").isUndefined ? ", " : ScriptAccess.get(field, "separator").jsString
            let includeEmpty = ScriptAccess.get(field, "includeEmptyValues").isTruthy
            var values: [ScriptValue] = []
            for item in items {
                let value = try fieldValue(item, path, plainKeys: plainKeys)
                if !value.isNullish { values.append(value) } else if includeEmpty { values.append(.null) }
            }
            row[ScriptAccess.get(field, "outputFieldName").jsString] = combine(values, ScriptAccess.get(field, "aggregation").jsString, separator: separator)
        }
        row["_itemCount"] = ScriptValue(items.count)
        return row
    }

    private func combine(_ values: [ScriptValue], _ aggregation: String, separator: String) -> ScriptValue {
        let present = values.filter { !$0.isNullish }
        let numbers = present.map(\.jsNumber).filter { !$0.isNaN }
        switch aggregation {
        case "append": return .array(values)
        case "average": return numbers.isEmpty ? .null : .number(numbers.reduce(0, +) / Double(numbers.count))
        case "concatenate": return .string(present.map(\.jsString).joined(separator: separator))
        case "count": return ScriptValue(values.count)
        case "countUnique": return ScriptValue(Set(present.map { ScriptJSON.stringify($0) ?? "" }).count)
        case "max": return numbers.isEmpty ? .null : .number(numbers.max()!)
        case "min": return numbers.isEmpty ? .null : .number(numbers.min()!)
        default: return .number(numbers.reduce(0, +))
        }
    }

    /// Upstream's `getFieldValue`: a dotted walk, or `item[name]` with dot notation off.
    private func fieldValue(_ item: ScriptValue, _ path: ScriptValue, plainKeys: Bool) throws(NodeFailure) -> ScriptValue {
        if plainKeys {
            if item.isNullish { throw NodeFailure("\(item.jsString) is not an object (evaluating 'obj[fieldPath]')") }
            return ScriptPath.member(item, path.jsString)
        }
        return FieldPaths.get(item, try FieldPaths.segments(path, receiver: "fieldPath"))
    }
}
