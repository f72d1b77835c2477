/// `math`: add, subtract, multiply or divide a list of values; writes `mathResult`.
public struct MathNode: WorkflowNode {
    public init() {}
    public let metadata = NodeMetadata(
        id: "math", name: "Math Operations", description: "Universal math node - performs basic mathematical operations",
        inputs: ["operation", "values"], outputs: ["result"],
        hints: NodeHints(purpose: "Perform mathematical operations on numeric values",
                         whenToUse: "When you need to calculate sums, differences, products, or quotients in a workflow",
                         expectedEdges: ["success", "error"],
                         exampleUsage: #"{"math-1": {"operation": "add", "values": [10, 20, 30], "success?": "next-node"}}"#,
                         exampleConfig: #"{"operation": "add|subtract|multiply|divide", "values": "[number, ...]"}"#,
                         postToState: ["mathResult"]),
        config: [
            NodeConfigField("operation", .string, required: true, description: "add, subtract, multiply or divide"),
            NodeConfigField("values", .array, required: true, description: "the operands, left to right"),
        ],
        category: "core")

    public func execute(_ context: inout NodeContext, config: ScriptObject) async throws -> [NodeEdge] {
        let operation = config["operation"], values = config["values"]
        guard operation.isTruthy, values.isTruthy else { return [.error("Missing operation or values")] }
        let name = operation.jsString
        guard ["add", "subtract", "multiply", "divide"].contains(name) else { return [.error("Unknown operation: \(name)")] }
        guard case .array(let items) = values else { return [.error("values.reduce is not a function")] }
        var result: ScriptValue
        switch name {
        case "add": result = items.reduce(ScriptValue.number(0), ScriptOperators.add)
        case "multiply": result = .number(items.reduce(1) { $0 * $1.jsNumber })
        default:
            guard let first = items.first else { return [.error("Reduce of empty array with no initial value")] }
            result = items.dropFirst().reduce(first) { acc, next in
                name == "subtract" ? .number(acc.jsNumber - next.jsNumber) : .number(acc.jsNumber / next.jsNumber)
            }
        }
        context.state["mathResult"] = result
        return [NodeEdge("success", ["result": result])]
    }
}
