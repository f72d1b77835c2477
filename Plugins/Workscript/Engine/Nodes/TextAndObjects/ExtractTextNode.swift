/// `extractText`: pulls text out of the state value at the dotted path `field` — by regex
/// (group 1 when there is one, else the whole match; flags default to `g`), between two
/// delimiters (shortest, within a line), every email/url/phone (`extractAll`, de-duplicated)
/// or one occurrence (`extractSpecific`, whole matches). Results go to `extractedText` and
/// `outputField` (default `extractedText`); no match is `not_found` with `[]` written.
/// Where upstream's match loop never ends (a global pattern matching the empty string, or a
/// non-global one in extractSpecific), the node fails instead of hanging.
public struct ExtractTextNode: WorkflowNode {
    public init() {}
    public let metadata = NodeMetadata(
        id: "extractText", name: "Extract Text",
        description: "Universal node - extracts text using regex patterns, delimiters, or predefined patterns",
        inputs: ["method", "field", "pattern", "flags", "startDelimiter", "endDelimiter", "extractType", "occurrence", "outputField"],
        outputs: ["extracted", "matches", "count"],
        hints: NodeHints(purpose: "Extract text from strings using regex patterns, delimiters, or predefined patterns for emails, URLs, and phone numbers",
                         whenToUse: "When you need to extract emails, URLs, phone numbers, or custom patterns from text fields",
                         expectedEdges: ["success", "not_found", "error"],
                         exampleUsage: #"{"extract-1": {"method": "extractAll", "field": "text", "extractType": "email", "outputField": "emails", "success?": "next"}}"#,
                         exampleConfig: #"{"method": "regex|between|extractAll|extractSpecific", "field": "string", "pattern?": "string", "flags?": "string", "startDelimiter?": "string", "endDelimiter?": "string", "extractType?": "email|url|phone|custom", "occurrence?": "number", "outputField": "string"}"#,
                         postToState: ["extractedText", "<outputField>"]),
        config: [
            NodeConfigField("method", .string, required: true, description: "regex, between, extractAll or extractSpecific"),
            NodeConfigField("field", .string, required: true, description: "dotted state path of the text"),
            NodeConfigField("pattern", .string, description: "JavaScript regular expression (regex, or custom extractType)"),
            NodeConfigField("flags", .string, default: "g", description: "regular expression flags"),
            NodeConfigField("startDelimiter", .string, description: "text before the wanted part (between)"),
            NodeConfigField("endDelimiter", .string, description: "text after the wanted part (between)"),
            NodeConfigField("extractType", .string, default: "custom", description: "email, url, phone or custom"),
            NodeConfigField("occurrence", .number, default: 0, description: "0-based match to return (extractSpecific)"),
            NodeConfigField("outputField", .string, default: "extractedText", description: "state key that receives the result"),
        ],
        category: "dataManipulation")

    private static let expected: ScriptValue = "regex|between|extractAll|extractSpecific"
    private static let predefined: [String: JSRegex] = [
        "email": try! JSRegex("[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}", flags: "g"),
        "url": try! JSRegex("https?:\\/\\/[^\\s]+", flags: "g"),
        "phone": try! JSRegex("(\\+?1?[-.\\s]?)?\\(?\\d{3}\\)?[-.\\s]?\\d{3}[-.\\s]?\\d{4}", flags: "g"),
    ]

    public func execute(_ context: inout NodeContext, config: ScriptObject) async throws -> [NodeEdge] {
        let method = config["method"], field = config["field"], pattern = config["pattern"], flags = config["flags"]
        let extractType = config["extractType"].isUndefined ? "custom" : config["extractType"]
        let occurrence = config["occurrence"].isUndefined ? 0 : config["occurrence"]
        let outputField = config["outputField"].isUndefined ? "extractedText" : config["outputField"].jsString
        let nodeId = ScriptValue.string(context.nodeId)
        guard method.isTruthy else {
            return [NodeEdge("error", ["error": "Missing required parameter: method", "expected": ExtractTextNode.expected, "nodeId": nodeId])]
        }
        guard ["regex", "between", "extractAll", "extractSpecific"].contains(method) else {
            return [NodeEdge("error", ["error": "Invalid method parameter", "expected": ExtractTextNode.expected, "received": method, "nodeId": nodeId])]
        }
        guard field.isTruthy else { return [NodeEdge("error", ["error": "Missing required parameter: field", "nodeId": nodeId])] }
        // Upstream reads the field outside its try block, so a bad path throws from the node.
        let value = FieldPaths.get(.object(context.state), try FieldPaths.segments(field))
        if value.isNullish {
            return [NodeEdge("not_found", ["field": field, "message": .string("Field '\(field.jsString)' not found in state"), "nodeId": nodeId])]
        }
        let text = Array(value.jsString.utf16)
        let extracted: ScriptValue
        let count: Int
        do throws(NodeFailure) {
            switch method {
            case "regex":
                guard pattern.isTruthy else { return [NodeEdge("error", ["error": "Missing required parameter for regex method: pattern", "nodeId": nodeId])] }
                (extracted, count) = try withRegex(text, pattern, flags)
            case "between":
                let start = config["startDelimiter"], end = config["endDelimiter"]
                guard start.isTruthy, end.isTruthy else {
                    return [NodeEdge("error", ["error": "Missing required parameters for between method: startDelimiter and endDelimiter", "nodeId": nodeId])]
                }
                (extracted, count) = try between(text, start, end)
            case "extractAll":
                (extracted, count) = try extractAll(text, extractType, pattern, flags)
            default:
                (extracted, count) = try extractSpecific(text, extractType, occurrence, pattern, flags)
            }
        } catch {
            return [NodeEdge("error", ["error": .string(error.message), "nodeId": nodeId, "method": method, "field": field, "details": error.details])]
        }
        if count == 0 {
            context.state["extractedText"] = []
            context.state[outputField] = []
            return [NodeEdge("not_found", ["field": field, "method": method, "message": "No matches found", "count": 0])]
        }
        context.state["extractedText"] = extracted
        context.state[outputField] = extracted
        return [NodeEdge("success", ["extracted": extracted, "matches": ScriptValue(count), "field": field, "method": method])]
    }

    private func compile(_ pattern: ScriptValue, _ flags: ScriptValue) throws(NodeFailure) -> JSRegex {
        do {
            return try JSRegex(pattern.jsString, flags: flags.isTruthy ? flags.jsString : "g")
        } catch {
            throw NodeFailure("Invalid regex pattern: \(error.message)")
        }
    }

    /// Upstream's `while ((match = regex.exec(text)) !== null)` loop; with
    /// `stopWhenNotGlobal` it ends after the first match of a pattern without `g`. A loop
    /// that would repeat the same match forever fails instead.
    private func loop(_ regex: JSRegex, _ text: [UInt16], stopWhenNotGlobal: Bool) throws(NodeFailure) -> [JSRegex.Match] {
        var matches: [JSRegex.Match] = []
        var lastIndex = 0
        while true {
            let found: JSRegex.Match?
            do { found = try regex.firstMatch(in: text, from: regex.global || regex.sticky ? lastIndex : 0) } catch {
                throw NodeFailure("Invalid regex pattern: \(error.description)")
            }
            guard let match = found else { return matches }
            matches.append(match)
            if stopWhenNotGlobal && !regex.global { return matches }
            guard regex.global || regex.sticky else { throw Self.endless }
            if match.range.isEmpty { throw Self.endless }
            lastIndex = match.range.upperBound
        }
    }

    private static let endless = NodeFailure("The pattern keeps matching at the same place, so extraction would never end (an empty match, or no g flag)")

    private func withRegex(_ text: [UInt16], _ pattern: ScriptValue, _ flags: ScriptValue) throws(NodeFailure) -> (ScriptValue, Int) {
        let regex = try compile(pattern, flags)
        let found = try loop(regex, text, stopWhenNotGlobal: true).map { match -> ScriptValue in
            let range = match.groups.count > 1 ? (match.groups[1] ?? match.range) : match.range
            return .string(JSText.string(text[range]))
        }
        return (.array(found), found.count)
    }

    private func between(_ text: [UInt16], _ start: ScriptValue, _ end: ScriptValue) throws(NodeFailure) -> (ScriptValue, Int) {
        guard case .string(let open) = start else { throw JSTypeError.notAFunction(start, receiver: "str", method: "replace", arguments: #"/[.*+?^${}()|[\]\\]/g, "\\$&""#) }
        guard case .string(let close) = end else { throw JSTypeError.notAFunction(end, receiver: "str", method: "replace", arguments: #"/[.*+?^${}()|[\]\\]/g, "\\$&""#) }
        let regex: JSRegex
        do { regex = try JSRegex(JSRegex.escape(open) + "(.*?)" + JSRegex.escape(close), flags: "g") } catch { throw NodeFailure(error.message) }
        let found = try StringOperationsNode.run { () throws(JSRegexBudgetError) in try regex.allMatches(in: text) }
            .compactMap { $0.groups[1].map { ScriptValue.string(JSText.string(text[$0])) } }
        return (.array(found), found.count)
    }

    private func predefined(_ type: ScriptValue) throws(NodeFailure) -> JSRegex {
        guard let name = type.stringValue, let regex = ExtractTextNode.predefined[name] else {
            throw NodeFailure("Invalid extractType: \(type.jsString). Expected: email, url, phone, or custom")
        }
        return regex
    }

    private func extractAll(_ text: [UInt16], _ type: ScriptValue, _ pattern: ScriptValue, _ flags: ScriptValue) throws(NodeFailure) -> (ScriptValue, Int) {
        if type == "custom" {
            guard pattern.isTruthy else { throw NodeFailure("Custom extract type requires pattern parameter") }
            return try withRegex(text, pattern, flags)
        }
        let regex = try predefined(type)
        var unique: [String] = []
        var seen: Set<UnitKey> = []
        for match in try loop(regex, text, stopWhenNotGlobal: false) {
            let value = JSText.string(text[match.range])
            if seen.insert(UnitKey(value)).inserted { unique.append(value) }
        }
        return (.array(unique.map { .string($0) }), unique.count)
    }

    private func extractSpecific(_ text: [UInt16], _ type: ScriptValue, _ occurrence: ScriptValue, _ pattern: ScriptValue, _ flags: ScriptValue) throws(NodeFailure) -> (ScriptValue, Int) {
        if ScriptOperators.less(occurrence, 0) { throw NodeFailure("Occurrence must be a non-negative number") }
        let regex: JSRegex
        if type == "custom" {
            guard pattern.isTruthy else { throw NodeFailure("Custom extract type requires pattern parameter") }
            regex = try compile(pattern, flags)
        } else {
            regex = try predefined(type)
        }
        let matches = try loop(regex, text, stopWhenNotGlobal: false).map { ScriptValue.string(JSText.string(text[$0.range])) }
        if ScriptOperators.greaterOrEqual(occurrence, ScriptValue(matches.count)) { return ("", 0) }
        let picked = ScriptPath.member(.array(matches), occurrence.jsString)
        return (picked.isTruthy ? picked : "", 1)
    }
}
