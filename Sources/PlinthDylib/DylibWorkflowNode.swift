import CPlinthABI
import Foundation
import PlinthKernel
import PlinthWorkscriptEngine

/// A workflow node a shared object registered with `register_workflow_node`: each run calls
/// its handler on a worker thread with a request whose method is `NODE`, path the node id and
/// body `{"config", "state", "inputs", "nodeId", "executionId", "workflowId"}`; the handler
/// answers 200 with `{"edge", "data", "state"}` (`state`: keys to set). Another status, or
/// PLINTH_ERR, is a thrown node error with the handler's message.
struct DylibWorkflowNode: WorkflowNode {
    let metadata: NodeMetadata
    let handler: CHandler
    let plugin: PluginState
    let runtime: DylibRuntime

    func execute(_ context: inout NodeContext, config: ScriptObject) async throws -> [NodeEdge] {
        let request: ScriptValue = [
            "config": .object(config), "state": .object(context.state), "inputs": .object(context.inputs),
            "nodeId": .string(context.nodeId), "executionId": .string(context.executionId), "workflowId": .string(context.workflowId),
        ]
        let view = RequestSnapshot(method: "NODE", path: metadata.id, body: Array((ScriptJSON.stringify(request) ?? "{}").utf8))
        let call = CallContext(runtime: runtime, tenant: nil, logger: runtime.logger)
        let builder = ResponseBuilder(limit: runtime.responseLimit)
        let errorBox = ErrorBox()
        let (handler, state) = (self.handler, self.plugin)
        let status = try await runtime.run {
            let arena = Arena()
            var cRequest = view.cRequest(arena)
            return withExtendedLifetime((arena, call, builder, errorBox)) {
                CurrentCall.with(call) { handler.function(state.raw, call.pointer, &cRequest, builder.pointer, errorBox.pointer) }
            }
        }
        let built = builder.state.withLock { $0 }
        let name = runtime.name
        guard status == PLINTH_OK else { throw NodeFailure(errorBox.text ?? "node '\(metadata.id)' of plugin '\(name)' failed and gave no message") }
        let text = String(decoding: built.body, as: UTF8.self)
        guard built.status == 200 else {
            throw NodeFailure(text.isEmpty ? "node '\(metadata.id)' of plugin '\(name)' answered \(built.status.map(String.init) ?? "no status")" : text)
        }
        guard case .object(let answer)? = try? ScriptJSON.parse(text), case .string(let edge) = answer["edge"] else {
            throw NodeFailure("node '\(metadata.id)' of plugin '\(name)' answered something other than {\"edge\": \"...\", \"data\": ..., \"state\": {...}}")
        }
        if case .object(let updates) = answer["state"] { context.state.merge(updates) }
        return [NodeEdge(edge, answer["data"].isUndefined ? .object([:]) : answer["data"])]
    }

    /// The metadata a plugin declares as JSON: `{"name", "description", "edges": [...],
    /// "config": [{"name", "type", "required", "description"}], "category"}`; everything but the
    /// id is optional.
    static func metadata(id: String, json text: String, plugin: String) throws -> NodeMetadata {
        let json: ScriptValue
        if text.isEmpty { json = [:] } else {
            do { json = try ScriptJSON.parse(text) } catch { throw DeclarationError("node '\(id)': its metadata is not JSON (\(error))") }
        }
        guard case .object(let object) = json else { throw DeclarationError("node '\(id)': its metadata must be a JSON object") }
        let edges = object["edges"].arrayValue?.compactMap(\.stringValue) ?? []
        var fields: [NodeConfigField] = []
        for (index, raw) in (object["config"].arrayValue ?? []).enumerated() {
            guard case .string(let name) = raw["name"] else { throw DeclarationError("node '\(id)': config[\(index)] needs a \"name\"") }
            let typeNames = raw["type"].arrayValue?.compactMap(\.stringValue) ?? raw["type"].stringValue.map { [$0] } ?? ["any"]
            var kinds: [NodeConfigField.Kind] = []
            for typeName in typeNames {
                guard let kind = NodeConfigField.Kind(rawValue: typeName) else {
                    throw DeclarationError("node '\(id)': config field '\(name)' has type '\(typeName)'; use string, number, boolean, array, object or any")
                }
                kinds.append(kind)
            }
            fields.append(NodeConfigField(name, kinds: kinds, required: raw["required"] == true, description: raw["description"].stringValue ?? ""))
        }
        let description = object["description"].stringValue ?? "A node of plugin \(plugin)"
        return NodeMetadata(
            id: id, name: object["name"].stringValue ?? id, version: object["version"].stringValue ?? "1.0.0", description: description,
            inputs: fields.map(\.name), outputs: edges,
            hints: NodeHints(purpose: description, whenToUse: object["whenToUse"].stringValue ?? description, expectedEdges: edges,
                             exampleUsage: object["example"].stringValue ?? "", exampleConfig: ""),
            config: fields, category: object["category"].stringValue ?? "plugin")
    }

    struct DeclarationError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

/// A node as `init` registered it, made into a ``DylibWorkflowNode`` once the plugin loaded.
struct StagedWorkflowNode {
    let metadata: NodeMetadata
    let handler: CHandler
}
