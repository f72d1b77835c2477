/// `log`: records `message` as `lastLoggedMessage` and passes it on. Upstream prints it to
/// the console; here it goes to the execution's observers (`node:before-execute` carries the
/// config), not to the server's output.
public struct LogNode: WorkflowNode {
    public init() {}
    public let metadata = NodeMetadata(
        id: "log", name: "Log Node", description: "A node that logs messages with state resolution support",
        inputs: ["message"], outputs: ["message"],
        hints: NodeHints(purpose: "Log messages to console for debugging and monitoring workflow execution",
                         whenToUse: "When you need to output debugging information or track workflow progress",
                         expectedEdges: ["success"], exampleUsage: #"{"log-1": {"message": "Processing started", "success?": "next-node"}}"#,
                         exampleConfig: #"{"message": "string"}"#, postToState: ["lastLoggedMessage"]),
        config: [NodeConfigField("message", .any, description: "what to log; `$.` references and {{$.path}} templates are resolved")],
        category: "core")

    public func execute(_ context: inout NodeContext, config: ScriptObject) async throws -> [NodeEdge] {
        let message = config["message"]
        context.state["lastLoggedMessage"] = message
        // `{message}` with an undefined message is `{}`: still an edge with data.
        var data = ScriptObject()
        data["message"] = message
        return [NodeEdge("success", .object(data))]
    }
}
