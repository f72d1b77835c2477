/// `transform`: stringify, parse, uppercase, lowercase, trim, length or reverse one value;
/// writes `transformResult`.
public struct TransformNode: WorkflowNode {
    public init() {}
    public let metadata = NodeMetadata(
        id: "transform", name: "Data Transform", description: "Universal data transformation node",
        inputs: ["operation", "data"], outputs: ["result"],
        hints: NodeHints(purpose: "Transform data between formats and apply string or array operations",
                         whenToUse: "When you need to convert JSON, change case, trim, measure or reverse data",
                         expectedEdges: ["success", "error"],
                         exampleUsage: #"{"transform-1": {"operation": "uppercase", "data": "$.name", "success?": "next-node"}}"#,
                         exampleConfig: #"{"operation": "stringify|parse|uppercase|lowercase|trim|length|reverse", "data": "any"}"#,
                         postToState: ["transformResult"]),
        config: [
            NodeConfigField("operation", .string, required: true, description: "stringify, parse, uppercase, lowercase, trim, length or reverse"),
            NodeConfigField("data", .any, required: true, description: "the value to transform"),
        ],
        category: "core")

    public func execute(_ context: inout NodeContext, config: ScriptObject) async throws -> [NodeEdge] {
        let operation = config["operation"], data = config["data"]
        guard operation.isTruthy, !data.isUndefined else { return [.error("Missing operation or data")] }
        let result: ScriptValue
        switch operation.jsString {
        case "stringify": result = ScriptJSON.stringify(data).map { .string($0) } ?? .undefined
        case "parse":
            if case .string(let text) = data {
                do { result = try ScriptJSON.parse(text) } catch { return [.error(ScriptErrors.jsonParse(text))] }
            } else {
                result = data
            }
        case "uppercase": result = .string(data.jsString.uppercased())
        case "lowercase": result = .string(data.jsString.lowercased())
        case "trim": result = .string(data.jsString.trimmingJSWhitespace())
        case "length": result = .number(Double(data.arrayValue?.count ?? data.jsString.jsLength))
        case "reverse":
            if case .array(let items) = data { result = .array(items.reversed()) } else {
                let units = Array(data.jsString.utf16.reversed())
                result = .string(String(decoding: units, as: UTF16.self))
            }
        default: return [.error("Unknown operation: \(operation.jsString)")]
        }
        context.state["transformResult"] = result
        return [NodeEdge("success", ["result": result])]
    }
}
