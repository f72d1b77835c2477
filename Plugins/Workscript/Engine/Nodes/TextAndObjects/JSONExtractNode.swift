/// `jsonExtract`: reads the value at `path` in `inputs.data` (or the whole state when there
/// is no `data`) and writes it to `outputField` (`extractedValue`). `method` is `dot_notation`
/// (default), `bracket_notation` or `simple_path`; a missing value takes `not_found`, with
/// `fallbackValue` stored when one is given. Kept from upstream: bracket_notation treats a
/// run without brackets (`a.b`, `.name` after `[0]`) as one key, and `multiple` is ignored.
public struct JSONExtractNode: WorkflowNode {
    public init() {}
    public let metadata = NodeMetadata(
        id: "jsonExtract", name: "JSON Extract",
        description: "Universal node for extracting values from JSON/objects using various query methods",
        inputs: ["method", "path", "fallbackValue", "multiple", "outputField"], outputs: ["result", "value"],
        hints: NodeHints(purpose: "Extract values from JSON/objects using dot notation, bracket notation, or path expressions",
                         whenToUse: "When you need to extract specific values from nested objects or arrays in workflow data",
                         expectedEdges: ["success", "not_found", "error"],
                         exampleUsage: #"{"jsonExtract": {"method": "dot_notation", "path": "user.profile.name", "outputField": "userName", "success?": "next-node"}}"#,
                         exampleConfig: #"{"method": "dot_notation|bracket_notation|simple_path", "path": "string", "fallbackValue?": "any", "multiple?": "boolean", "outputField?": "string"}"#,
                         postToState: ["extractedValue"]),
        config: [
            NodeConfigField("method", .string, default: "dot_notation", description: "dot_notation, bracket_notation or simple_path"),
            NodeConfigField("path", .string, required: true, description: "where the value is, e.g. user.profile.name or users[0].name"),
            NodeConfigField("fallbackValue", .any, description: "stored and returned on not_found when given"),
            NodeConfigField("multiple", .boolean, default: false, description: "accepted and ignored"),
            NodeConfigField("outputField", .string, default: "extractedValue", description: "state key that receives the value"),
        ],
        category: "dataManipulation")

    private static let methods: ScriptValue = ["dot_notation", "bracket_notation", "simple_path"]

    public func execute(_ context: inout NodeContext, config: ScriptObject) async throws -> [NodeEdge] {
        let method = config["method"].isUndefined ? "dot_notation" : config["method"]
        let path = config["path"], fallback = config["fallbackValue"]
        let outputField = config["outputField"].isUndefined ? "extractedValue" : config["outputField"].jsString
        let nodeId = ScriptValue.string(context.nodeId)
        guard path.isTruthy else { return [NodeEdge("error", ["error": "Missing required parameter: path", "nodeId": nodeId])] }
        let source = context.input("data").isUndefined ? .object(context.state) : context.input("data")
        let fellBack: [NodeEdge] = [NodeEdge("not_found", ["value": fallback, "path": path, "usedFallback": true, "message": "Path not found, used fallback value"])]
        if source.isNullish {
            if !fallback.isUndefined {
                context.state[outputField] = fallback
                return fellBack
            }
            return [NodeEdge("not_found", ["error": "No data available to extract from", "path": path, "nodeId": nodeId])]
        }
        let value: ScriptValue
        do throws(NodeFailure) {
            switch method {
            case "dot_notation":
                value = walk(source, try FieldPaths.segments(path).filter { !$0.isEmpty }.map { .key($0) })
            case "bracket_notation":
                // `pattern.exec(path)` converts a non-string path to text.
                value = walk(source, bracketSegments(path.jsString))
            case "simple_path":
                guard case .string(let text) = path else { throw JSTypeError.notAFunction(path, receiver: "path", method: "match", arguments: "/([^.\\[\\]]+|\\[[^\\]]+\\])/g") }
                guard let segments = simpleSegments(text) else { value = .undefined; break }
                value = walk(source, segments)
            default:
                return [NodeEdge("error", ["error": .string("Unknown method: \(method.jsString)"), "supportedMethods": JSONExtractNode.methods, "nodeId": nodeId])]
            }
        } catch {
            return [NodeEdge("error", ["error": .string(error.message), "path": path, "method": method, "nodeId": nodeId, "details": error.details])]
        }
        if value.isUndefined {
            if !fallback.isUndefined {
                context.state[outputField] = fallback
                return fellBack
            }
            return [NodeEdge("not_found", ["path": path, "method": method, "message": "Path not found and no fallback value provided", "nodeId": nodeId])]
        }
        context.state[outputField] = value
        return [NodeEdge("success", ["value": value, "path": path, "method": method, "outputField": .string(outputField), "message": "Successfully extracted value"])]
    }

    /// A step: a plain key, or a bracketed one that indexes arrays when it parses as an integer.
    private enum Segment { case key(String), bracket(String) }

    private func walk(_ root: ScriptValue, _ segments: [Segment]) -> ScriptValue {
        var current = root
        for segment in segments {
            guard FieldPaths.isContainer(current) else { return .undefined }
            switch segment {
            case .key(let key): current = ScriptAccess.get(current, key)
            case .bracket(let raw):
                let key = unquote(raw)
                if case .array(let items) = current, let index = JSONExtractNode.parseInt(key) {
                    current = index >= 0 && index < Double(items.count) ? items[Int(index)] : .undefined
                } else {
                    current = ScriptAccess.get(current, key)
                }
            }
        }
        return current
    }

    /// The matches of `/([^\[\]]+)|\[([^\]]+)\]/g`: runs without brackets, or bracketed keys.
    private func bracketSegments(_ path: String) -> [Segment] {
        let units = Array(path.utf16)
        var segments: [Segment] = []
        var i = 0
        while i < units.count {
            if units[i] != 0x5B && units[i] != 0x5D {
                let start = i
                while i < units.count, units[i] != 0x5B, units[i] != 0x5D { i += 1 }
                segments.append(.bracket(JSText.string(units[start..<i])))
            } else if units[i] == 0x5B, let close = units[(i + 1)...].firstIndex(of: 0x5D), close > i + 1 {
                segments.append(.bracket(JSText.string(units[(i + 1)..<close])))
                i = close + 1
            } else {
                i += 1
            }
        }
        return segments
    }

    /// The matches of `/([^.\[\]]+|\[[^\]]+\])/g`; nil when there are none.
    private func simpleSegments(_ path: String) -> [Segment]? {
        let units = Array(path.utf16)
        var segments: [Segment] = []
        var i = 0
        while i < units.count {
            let c = units[i]
            if c != 0x2E && c != 0x5B && c != 0x5D {
                let start = i
                while i < units.count, ![0x2E, 0x5B, 0x5D].contains(units[i]) { i += 1 }
                segments.append(.key(JSText.string(units[start..<i])))
            } else if c == 0x5B, let close = units[(i + 1)...].firstIndex(of: 0x5D), close > i + 1 {
                segments.append(.bracket(JSText.string(units[(i + 1)..<close])))
                i = close + 1
            } else {
                i += 1
            }
        }
        return segments.isEmpty ? nil : segments
    }

    /// `key.replace(/^['"]|['"]$/g, '')`: one quote off each end.
    private func unquote(_ key: String) -> String {
        var units = Array(key.utf16)
        let isQuote: (UInt16) -> Bool = { $0 == 0x27 || $0 == 0x22 }
        var start = 0
        if let first = units.first, isQuote(first) { start = 1 }
        if units.count > start, let last = units.last, isQuote(last) { units.removeLast() }
        return JSText.string(units[start...])
    }

    /// `parseInt(text, 10)`: optional sign and leading decimal digits after white space.
    static func parseInt(_ text: String) -> Double? {
        var scalars = Substring(JSText.trim(text)).unicodeScalars[...]
        var sign = 1.0
        if let first = scalars.first, first == "-" || first == "+" { sign = first == "-" ? -1 : 1; scalars = scalars.dropFirst() }
        let digits = scalars.prefix { ("0"..."9").contains($0) }
        guard !digits.isEmpty else { return nil }
        return sign * (Double(String(String.UnicodeScalarView(digits))) ?? .infinity)
    }
}
