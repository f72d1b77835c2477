/// `stringOperations`: one string operation (trim, uppercase, lowercase, capitalize,
/// titleCase, replace, replaceAll, replaceRegex, split, substring, slice, concat, pad,
/// stripHTML, slugify) on the state value at the dotted path `field`, converted to text
/// first. The result goes to `outputField`, which defaults to `field` itself (upstream
/// overwrites the source), and to `stringOperationResult`. JavaScript's string semantics
/// are kept: UTF-16 positions, `$&`/`$1` in replacements, `replace` changing the first
/// occurrence only, `titleCase` splitting on single spaces.
public struct StringOperationsNode: WorkflowNode {
    public init() {}
    public let metadata = NodeMetadata(
        id: "stringOperations", name: "String Operations",
        description: "Universal node - perform various string manipulation operations including case conversion, trimming, replacement, extraction, and formatting",
        inputs: ["operation", "field", "outputField", "searchValue", "replaceValue", "separator", "start", "end", "values", "length", "padChar", "side"],
        outputs: ["result", "success"],
        hints: NodeHints(purpose: "Perform various string manipulation operations on text data",
                         whenToUse: "When you need to transform, clean, format, or manipulate string values in your workflow",
                         expectedEdges: ["success", "error"],
                         exampleUsage: #"{"str-1": {"operation": "trim", "field": "title", "outputField": "cleanTitle", "success?": "next-node"}}"#,
                         exampleConfig: #"{"operation": "trim|uppercase|lowercase|capitalize|titleCase|replace|replaceAll|replaceRegex|split|substring|slice|concat|pad|stripHTML|slugify", "field": "string", "outputField?": "string", "searchValue?": "string", "replaceValue?": "string", "separator?": "string", "start?": "number", "end?": "number", "values?": "[string, ...]", "length?": "number", "padChar?": "string", "side?": "left|right|both"}"#,
                         postToState: ["stringOperationResult"]),
        config: [
            NodeConfigField("operation", .string, required: true, description: "the operation to apply"),
            NodeConfigField("field", .string, required: true, description: "dotted state path of the text"),
            NodeConfigField("outputField", .string, description: "dotted state path for the result (default: field, overwriting it)"),
            NodeConfigField("searchValue", .string, description: "text (replace, replaceAll) or pattern (replaceRegex) to find"),
            NodeConfigField("replaceValue", .string, default: "", description: "replacement, with $& and $1 patterns"),
            NodeConfigField("separator", .string, description: "split separator"),
            NodeConfigField("start", .number, description: "substring or slice start (UTF-16 units)"),
            NodeConfigField("end", .number, description: "substring or slice end, exclusive"),
            NodeConfigField("values", .array, description: "texts to append (concat)"),
            NodeConfigField("length", .number, description: "target length (pad)"),
            NodeConfigField("padChar", .string, default: " ", description: "padding text (pad)"),
            NodeConfigField("side", .string, default: "right", description: "left, right or both (pad)"),
        ],
        category: "dataManipulation")

    private static let operations: [ScriptValue] = ["trim", "uppercase", "lowercase", "capitalize", "titleCase", "replace", "replaceAll", "replaceRegex",
                                                    "split", "substring", "slice", "concat", "pad", "stripHTML", "slugify"]

    public func execute(_ context: inout NodeContext, config: ScriptObject) async throws -> [NodeEdge] {
        let operation = config["operation"], field = config["field"]
        let nodeId = ScriptValue.string(context.nodeId)
        guard operation.isTruthy else { return [NodeEdge("error", ["error": "Missing required parameter: operation", "nodeId": nodeId])] }
        guard field.isTruthy else { return [NodeEdge("error", ["error": "Missing required parameter: field", "nodeId": nodeId])] }
        func missing(_ message: String) -> [NodeEdge] { [NodeEdge("error", ["error": .string(message), "operation": operation, "nodeId": nodeId])] }
        do throws(NodeFailure) {
            let value = FieldPaths.get(.object(context.state), try FieldPaths.segments(field))
            if value.isNullish {
                return [NodeEdge("error", ["error": .string("Field value is null or undefined: \(field.jsString)"), "field": field, "nodeId": nodeId])]
            }
            let text = value.jsString
            let search = config["searchValue"]
            let replacement = config["replaceValue"].isNullish ? "" : config["replaceValue"].jsString
            let result: ScriptValue
            switch operation {
            case "trim": result = .string(JSText.trim(text))
            case "uppercase": result = .string(JSText.upper(text))
            case "lowercase": result = .string(JSText.lower(text))
            case "capitalize": result = .string(text.isEmpty ? text : firstUpper(text, lowerRest: true))
            case "titleCase":
                result = .string(JSText.split(JSText.lower(text), by: " ").map { $0.isEmpty ? $0 : firstUpper($0, lowerRest: false) }.joined(separator: " "))
            case "replace":
                if search.isUndefined { return missing("Replace operation requires searchValue parameter") }
                result = .string(JSText.replaceFirst(text, search.jsString, with: replacement))
            case "replaceAll":
                if search.isUndefined { return missing("ReplaceAll operation requires searchValue parameter") }
                guard case .string(let literal) = search else {
                    throw JSTypeError.notAFunction(search, receiver: "searchValue", method: "replace", arguments: #"/[.*+?^${}()|[\]\\]/g, "\\$&""#)
                }
                result = .string(try Self.replace(text, pattern: JSRegex.escape(literal), with: replacement))
            case "replaceRegex":
                if search.isUndefined { return missing("ReplaceRegex operation requires searchValue parameter (regex pattern)") }
                do throws(NodeFailure) {
                    result = .string(try Self.replace(text, pattern: search.jsString, with: replacement))
                } catch {
                    throw NodeFailure("Invalid regex pattern: \(search.jsString). \(error.message)")
                }
            case "split":
                if config["separator"].isUndefined { return missing("Split operation requires separator parameter") }
                result = .array(JSText.split(text, by: config["separator"].jsString).map { .string($0) })
            case "substring":
                if config["start"].isUndefined { return missing("Substring operation requires start parameter") }
                result = .string(JSText.substring(text, config["start"], config["end"]))
            case "slice":
                if config["start"].isUndefined { return missing("Slice operation requires start parameter") }
                result = .string(JSText.slice(text, config["start"], config["end"]))
            case "concat":
                guard case .array(let values) = config["values"] else { return missing("Concat operation requires values parameter (array of strings)") }
                result = .string(text + values.map { $0.isNullish ? "" : $0.jsString }.joined())
            case "pad":
                if config["length"].isUndefined { return missing("Pad operation requires length parameter") }
                let padChar = config["padChar"].isUndefined ? " " : config["padChar"]
                let side = config["side"].isUndefined ? "right" : config["side"]
                result = .string(try pad(text, to: config["length"], with: padChar, side: side))
            case "stripHTML": result = .string(try stripHTML(text))
            case "slugify": result = .string(try slugify(text))
            default:
                return [NodeEdge("error", ["error": .string("Unknown operation: \(operation.jsString)"), "operation": operation,
                                           "supportedOperations": .array(StringOperationsNode.operations), "nodeId": nodeId])]
            }
            let output = config["outputField"].isTruthy ? config["outputField"] : field
            FieldPaths.set(&context.state, try FieldPaths.segments(output), result)
            context.state["stringOperationResult"] = result
            return [NodeEdge("success", ["result": result, "field": output, "operation": operation, "originalValue": .string(text)])]
        } catch {
            return [NodeEdge("error", ["error": .string(error.message), "operation": operation, "field": field, "nodeId": nodeId, "details": error.details])]
        }
    }

    /// `s.charAt(0).toUpperCase() + s.slice(1)` (lower-cased for capitalize). `charAt(0)` is
    /// one UTF-16 unit, so a first character outside the BMP is left as it is.
    private func firstUpper(_ text: String, lowerRest: Bool) -> String {
        let first = text.unicodeScalars.first!
        let rest = String(text.unicodeScalars.dropFirst())
        let head = first.value > 0xFFFF ? String(first) : JSText.upper(String(first))
        return head + (lowerRest ? JSText.lower(rest) : rest)
    }

    private func pad(_ text: String, to length: ScriptValue, with padChar: ScriptValue, side: ScriptValue) throws(NodeFailure) -> String {
        let count = Double(text.jsLength)
        if ScriptOperators.greaterOrEqual(.number(count), length) { return text }
        let padLength = length.jsNumber - count
        func padding(_ n: Double, _ name: String) throws(NodeFailure) -> String {
            guard case .string(let unit) = padChar else { throw JSTypeError.notAFunction(padChar, receiver: "padChar", method: "repeat", arguments: name) }
            return try JSText.repeated(unit, n)
        }
        switch side {
        case "left": return try padding(padLength, "padLength") + text
        case "both":
            let left = (padLength / 2).rounded(.down)
            return try padding(left, "leftPadding") + text + padding(padLength - left, "rightPadding")
        default: return try text + padding(padLength, "padLength")
        }
    }

    private static let tags = try! JSRegex("<[^>]*>", flags: "g")
    private static let entities: [(String, String)] = [("&nbsp;", " "), ("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&apos;", "'")]

    private func stripHTML(_ text: String) throws(NodeFailure) -> String {
        var result = try Self.run { () throws(JSRegexBudgetError) in try Self.tags.replace(text, with: "") }
        // Entities in this order, each everywhere (`split(entity).join(char)`).
        for (entity, character) in Self.entities { result = JSText.split(result, by: entity).joined(separator: character) }
        return result
    }

    private static let slugSteps: [(JSRegex, String)] = [
        (try! JSRegex(#"\s+"#, flags: "g"), "-"), (try! JSRegex(#"[^\w\-]+"#, flags: "g"), ""), (try! JSRegex(#"\-\-+"#, flags: "g"), "-"),
        (try! JSRegex("^-+"), ""), (try! JSRegex("-+$"), ""),
    ]

    private func slugify(_ text: String) throws(NodeFailure) -> String {
        var result = JSText.trim(JSText.lower(text))
        for (pattern, replacement) in Self.slugSteps {
            let current = result
            result = try Self.run { () throws(JSRegexBudgetError) in try pattern.replace(current, with: replacement) }
        }
        return result
    }

    /// `str.replace(new RegExp(pattern, 'g'), replacement)`.
    static func replace(_ text: String, pattern: String, with replacement: String) throws(NodeFailure) -> String {
        let regex: JSRegex
        do { regex = try JSRegex(pattern, flags: "g") } catch { throw NodeFailure(error.message) }
        return try run { () throws(JSRegexBudgetError) in try regex.replace(text, with: replacement) }
    }

    static func run<T>(_ body: () throws(JSRegexBudgetError) -> T) throws(NodeFailure) -> T {
        do { return try body() } catch { throw NodeFailure(error.description) }
    }
}
