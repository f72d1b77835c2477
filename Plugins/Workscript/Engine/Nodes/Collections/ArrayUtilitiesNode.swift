import Foundation

/// `arrayUtilities`: one list operation on the array at `field` (a dotted path into the
/// inputs' `data` when that is truthy, else into the state): chunk, compact, difference,
/// intersection, union, unique (the default), reverse, shuffle, flatten, first, last, sample.
/// The edge carries the source under `field` and the result under `outputField`
/// (`<field>Result`); the state gets only the summary `arrayUtilResult`. Values compare by
/// their JSON (objects) or `String()` (the rest), so `1` and `"1"` are one value; `uniqueBy`
/// compares with `===`, so object values never match. Numeric options follow JavaScript's
/// conversions, including a text `chunkSize` being concatenated as upstream's loop does.
public struct ArrayUtilitiesNode: WorkflowNode {
    public init() {}
    static let operations: [ScriptValue] = ["chunk", "compact", "difference", "intersection", "union", "unique", "reverse", "shuffle", "flatten", "first", "last", "sample"]

    public let metadata = NodeMetadata(
        id: "arrayUtilities", name: "Array Utilities",
        description: "Universal node - common array manipulation utilities including chunk, compact, difference, intersection, union, unique, reverse, shuffle, flatten, first, last, and sample",
        inputs: ["operation", "field", "outputField", "chunkSize", "compareArray", "uniqueBy", "depth", "sampleSize", "count"],
        outputs: ["result", "originalArray", "modifiedArray"],
        hints: NodeHints(
            purpose: "Perform common array manipulation operations like chunking, deduplication, set operations, shuffling, and sampling",
            whenToUse: "When you need to transform or analyze arrays using standard utility operations",
            expectedEdges: ["success", "error", "empty"],
            exampleUsage: #"{"array-util-1": {"operation": "unique", "field": "tags", "outputField": "uniqueTags", "success?": "next"}}"#,
            exampleConfig: #"{"operation": "chunk|compact|difference|intersection|union|unique|reverse|shuffle|flatten|first|last|sample", "field": "string", "outputField?": "string", "chunkSize?": "number", "depth?": "number"}"#,
            postToState: ["arrayUtilResult"]),
        config: [
            NodeConfigField("operation", .string, default: "unique", description: "chunk, compact, difference, intersection, union, unique, reverse, shuffle, flatten, first, last or sample"),
            NodeConfigField("field", .string, required: true, description: "dotted path of the array (in the inputs' data, else the state)"),
            NodeConfigField("outputField", .string, description: "key of the result in the edge data (default <field>Result)"),
            NodeConfigField("chunkSize", .number, default: 10, description: "chunk: elements per chunk"),
            NodeConfigField("compareArray", .string, description: "difference, intersection, union: dotted path of the other array"),
            NodeConfigField("uniqueBy", .string, description: "unique: dotted path of the value that identifies an object"),
            NodeConfigField("depth", .number, description: "flatten: levels to flatten (default all)"),
            NodeConfigField("sampleSize", .number, default: 1, description: "sample: how many random elements"),
            NodeConfigField("count", .number, default: 1, description: "first, last: how many elements"),
        ],
        category: "dataManipulation")

    public func execute(_ context: inout NodeContext, config: ScriptObject) async throws -> [NodeEdge] {
        func setting(_ key: String, _ fallback: ScriptValue) -> ScriptValue { config[key].isUndefined ? fallback : config[key] }
        let operation = setting("operation", "unique"), field = config["field"]
        let nodeId = ScriptValue.string(context.nodeId)
        guard field.isTruthy else { return [NodeEdge("error", ["error": "Missing required parameter: field", "nodeId": nodeId])] }
        let data = context.input("data").isTruthy ? context.input("data") : .object(context.state)
        let found: ScriptValue
        do {
            found = try ItemAccess.nested(data, path: field)
        } catch {
            // Upstream reads the field before its try block: the TypeError fails the step.
            throw NodeFailure(error.message)
        }
        let fieldName = field.jsString
        guard case .array(let array) = found else {
            return [NodeEdge("error", ["error": .string("Field \"\(fieldName)\" is not an array or does not exist"), "nodeId": nodeId,
                                       "fieldValue": found, "fieldType": .string(found.typeOf)])]
        }
        let resultField = config["outputField"].isTruthy ? config["outputField"].jsString : "\(fieldName)Result"
        if array.isEmpty {
            context.state["arrayUtilResult"] = ["operation": operation, "field": field, "resultField": .string(resultField), "inputLength": 0, "outputLength": 0]
            var empty = ScriptObject()
            empty[fieldName] = found
            empty[resultField] = []
            return [NodeEdge("empty", .object(empty))]
        }

        let result: [ScriptValue]
        do {
            switch operation.stringValue {
            case "chunk": result = try Self.chunk(array, setting("chunkSize", 10))
            case "compact": result = array.filter(Self.survivesCompact)
            case "difference", "intersection", "union":
                let name = operation.jsString
                let compareArray = config["compareArray"]
                guard compareArray.isTruthy else {
                    return [NodeEdge("error", ["error": .string("compareArray parameter is required for \(name) operation"), "nodeId": nodeId])]
                }
                guard case .array(let other) = try ItemAccess.nested(data, path: compareArray) else {
                    return [NodeEdge("error", ["error": .string("compareArray \"\(compareArray.jsString)\" is not an array"), "nodeId": nodeId])]
                }
                if name == "union" {
                    result = Self.unique(array + other)
                } else {
                    let keys = Set(other.map(Self.comparisonKey))
                    result = array.filter { keys.contains(Self.comparisonKey($0)) == (name == "intersection") }
                }
            case "unique":
                let by = config["uniqueBy"]
                result = by.isTruthy ? try Self.unique(array, by: by) : Self.unique(array)
            case "reverse": result = array.reversed()
            case "shuffle": result = ArrayFunctions.shuffled(array)
            case "flatten": result = Self.flatten(array, config["depth"].isUndefined ? .infinity : config["depth"].jsNumber)
            case "first", "last":
                let count = setting("count", 1).jsNumber
                result = count <= 0 ? [] : operation == "first" ? ArrayFunctions.slice(array, 0, count) : ArrayFunctions.slice(array, -count)
            case "sample":
                let size = setting("sampleSize", 1).jsNumber
                if size <= 0 { result = [] } else if size >= Double(array.count) { result = array } else { result = ArrayFunctions.slice(ArrayFunctions.shuffled(array), 0, size) }
            default:
                return [NodeEdge("error", ["error": .string("Unknown operation: \(operation.jsString)"), "nodeId": nodeId,
                                           "availableOperations": .array(Self.operations)])]
            }
        } catch {
            return [NodeEdge("error", ["error": .string(error.message), "nodeId": nodeId, "operation": operation, "field": field, "details": .string(error.stack)])]
        }

        let inputLength = ScriptValue.number(Double(array.count)), outputLength = ScriptValue.number(Double(result.count))
        var summary = ScriptObject()
        summary[resultField] = .array(result)
        summary["operation"] = operation
        summary["field"] = field
        summary["resultField"] = .string(resultField)
        summary["inputLength"] = inputLength
        summary["outputLength"] = outputLength
        summary["timestamp"] = .string(ISOTime.now())
        context.state["arrayUtilResult"] = .object(summary)
        var output = ScriptObject()
        output[fieldName] = found
        output[resultField] = .array(result)
        output["operation"] = operation
        output["inputLength"] = inputLength
        output["outputLength"] = outputLength
        return [NodeEdge("success", .object(output))]
    }

    /// Upstream's loop `for (i = 0; i < length; i += size)`, with `+` and `<` as JavaScript
    /// applies them to whatever `size` is.
    static func chunk(_ array: [ScriptValue], _ size: ScriptValue) throws(CaughtScriptError) -> [ScriptValue] {
        if ScriptOperators.lessOrEqual(size, 0) { throw .error("Chunk size must be greater than 0") }
        var chunks: [ScriptValue] = []
        var index = ScriptValue.number(0)
        let length = ScriptValue.number(Double(array.count))
        while ScriptOperators.less(index, length) {
            // A tiny positive size would make upstream loop for hours; stop well before.
            if chunks.count > 1_000_000 { throw .error("Chunk size too small: more than 1000000 chunks") }
            let end = ScriptOperators.add(index, size)
            chunks.append(.array(ArrayFunctions.slice(array, index.jsNumber, end.jsNumber)))
            index = end
        }
        return chunks
    }

    static func survivesCompact(_ item: ScriptValue) -> Bool {
        switch item {
        case .null, .undefined: false
        case .bool(let flag): flag
        case .number(let number): number != 0 && !number.isNaN
        case .string(let text): !text.isEmpty
        default: true
        }
    }

    /// Objects and arrays by their JSON, everything else by `String()`.
    static func comparisonKey(_ item: ScriptValue) -> String {
        switch item {
        case .object, .array: ScriptJSON.stringify(item) ?? ""
        default: item.jsString
        }
    }

    static func unique(_ array: [ScriptValue]) -> [ScriptValue] {
        var seen = Set<UnitKey>()
        return array.filter { seen.insert(UnitKey(comparisonKey($0))).inserted }
    }

    /// Keeps non-objects; objects by the `===` identity of the value at `by` (a `Set` of raw
    /// values upstream, so object values are all distinct and `NaN` matches `NaN`).
    static func unique(_ array: [ScriptValue], by path: ScriptValue) throws(CaughtScriptError) -> [ScriptValue] {
        var seen = Set<UnitKey>()
        var out: [ScriptValue] = []
        for item in array {
            guard item.typeOf == "object", !item.isNullish else { out.append(item); continue }
            let value = try ItemAccess.nested(item, path: path)
            let key: String?
            switch value {
            case .object, .array: key = nil
            case .number(let number): key = "n" + ScriptNumber.format(number)
            case .string(let text): key = "s" + text
            case .bool(let flag): key = flag ? "t" : "f"
            case .null: key = "null"
            case .undefined: key = "undefined"
            }
            if let key, !seen.insert(UnitKey(key)).inserted { continue }
            out.append(item)
        }
        return out
    }

    static func flatten(_ array: [ScriptValue], _ depth: Double) -> [ScriptValue] {
        if depth <= 0 { return array }
        var out: [ScriptValue] = []
        for item in array {
            if case .array(let inner) = item { out.append(contentsOf: flatten(inner, depth - 1)) } else { out.append(item) }
        }
        return out
    }
}
