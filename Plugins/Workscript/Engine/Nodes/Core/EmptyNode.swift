/// `empty`: does nothing and takes `nothing` with `{luckyNumber: 13}`, as upstream.
public struct EmptyNode: WorkflowNode {
    public init() {}
    public let metadata = NodeMetadata(
        id: "empty", name: "Empty Node", description: "A node that does nothing",
        hints: NodeHints(purpose: "Placeholder node that performs no operation",
                         whenToUse: "For testing workflows, as a no-op placeholder, or for demonstration purposes",
                         expectedEdges: ["nothing"], exampleUsage: #"{"empty-1": {"nothing?": "next-node"}}"#, exampleConfig: "{}"),
        category: "core")

    public func execute(_ context: inout NodeContext, config: ScriptObject) async throws -> [NodeEdge] {
        [NodeEdge("nothing", ["luckyNumber": 13])]
    }
}
