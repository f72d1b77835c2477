/// `logic`: and, or, not, equal, greater, less over a list of values; takes the `true` or
/// `false` edge and writes `logicResult`.
public struct LogicNode: WorkflowNode {
    public init() {}
    public let metadata = NodeMetadata(
        id: "logic", name: "Logic Operations", description: "Universal logic node - performs boolean operations",
        inputs: ["operation", "values"], outputs: ["result"],
        hints: NodeHints(purpose: "Perform boolean logic operations and comparisons",
                         whenToUse: "When you need to make decisions based on conditions or compare values",
                         expectedEdges: ["true", "false", "error"],
                         exampleUsage: #"{"logic-1": {"operation": "greater", "values": [10, 5], "true?": "on-true", "false?": "on-false"}}"#,
                         exampleConfig: #"{"operation": "and|or|not|equal|greater|less", "values": "[any, ...]"}"#,
                         postToState: ["logicResult"]),
        config: [
            NodeConfigField("operation", .string, required: true, description: "and, or, not, equal, greater or less"),
            NodeConfigField("values", .array, required: true, description: "the operands"),
        ],
        category: "core")

    public func execute(_ context: inout NodeContext, config: ScriptObject) async throws -> [NodeEdge] {
        let operation = config["operation"], values = config["values"]
        guard operation.isTruthy, values.isTruthy else { return [.error("Missing operation or values")] }
        let items = values.arrayValue ?? []
        let result: Bool
        switch operation.jsString {
        case "and": result = items.allSatisfy(\.isTruthy)
        case "or": result = items.contains(where: \.isTruthy)
        case "not": result = !(items.first ?? .undefined).isTruthy
        case "equal": result = items.count > 1 && items[0].strictlyEquals(items[1])
        case "greater": result = items.count > 1 && ScriptOperators.greater(items[0], items[1])
        case "less": result = items.count > 1 && ScriptOperators.less(items[0], items[1])
        default: return [.error("Unknown operation: \(operation.jsString)")]
        }
        context.state["logicResult"] = .bool(result)
        return [NodeEdge(result ? "true" : "false", ["result": .bool(result)])]
    }
}
