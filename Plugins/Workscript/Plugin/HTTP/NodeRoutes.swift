import Hummingbird
import PlinthKernel
import PlinthWorkscriptEngine

/// `GET /workscript/nodes` and `GET /workscript/nodes/metadata/{id}`: the node library, for
/// editors and for models writing workflows. Public, as upstream's: it is documentation.
struct NodeRoutes {
    let workscript: Workscript

    struct ListQuery: Decodable, Sendable {
        /// Only the nodes of this plugin (`workscript` for the built-in ones).
        let source: String?
    }

    var routes: [Route] {
        [
            Route.get("nodes", id: "workscript.nodes.list", "List the workflow nodes")
                .describe("Every node with its metadata and `source`, the plugin that contributed it; `source` filters.")
                .requires(.public)
                .query(ListQuery.self)
                .responds(.ok, schema: .object([.init("success", .boolean), .init("count", .integer), .init("nodes", .array(of: .any))]))
                .handle { input, _ in
                    let nodes = workscript.registry.all.filter { input.query.source == nil || $0.source == input.query.source }
                    return ScriptResponse.json(["success": true, "count": .number(Double(nodes.count)), "nodes": .array(nodes.map(Self.describe))])
                },
            Route.get("nodes/metadata/{id}", id: "workscript.nodes.metadata", "One node's metadata")
                .requires(.public)
                .responds(.ok, schema: .object([.init("success", .boolean), .init("metadata", .any)]))
                .problems(.notFound)
                .handle { _, context in
                    let id = try context.parameters.require("id")
                    guard let entry = workscript.registry.entries[id] else {
                        throw Problem(.notFound, detail: "no workflow node '\(id)'; GET /workscript/nodes lists them")
                    }
                    return ScriptResponse.json(["success": true, "metadata": Self.describe(entry)])
                },
        ]
    }

    static func describe(_ entry: NodeRegistry.Entry) -> ScriptValue {
        guard case .object(var metadata) = entry.node.metadata.json else { return .null }
        metadata["source"] = .string(entry.source)
        return .object(metadata)
    }
}
