/// `pentru-fiecare-element` (Romanian, from upstream's real-estate integration): steps through
/// the array (or string) under the state key `din`, one element per run, counting with the
/// state's `current_index` and writing the element to `currentDataItem`. Upstream's quirk is
/// kept: `executa` carries the *next* element, so on the last element it carries nothing and
/// no edge is taken; after the last, `terminat` carries `null`. `current_index` is never
/// reset, so a second pass over the same state ends at once.
public struct PentruFiecareElementNode: WorkflowNode {
    public init() {}
    public let metadata = NodeMetadata(
        id: "pentru-fiecare-element", name: "Fiecare Element",
        description: "A node that loop on a  data set from real estate agency ",
        hints: NodeHints(purpose: "", whenToUse: "", expectedEdges: ["executa", "terminat", "error"], exampleUsage: "", exampleConfig: "",
                         postToState: ["current_index", "currentDataItem"]),
        config: [NodeConfigField("din", .string, required: true, description: "the state key of the array to step through")],
        category: "integrations")

    public func execute(_ context: inout NodeContext, config: ScriptObject) async throws -> [NodeEdge] {
        let key = config["din"]
        guard key.isTruthy else { return [.error("Lipseste setul de date care trebuie filtrat")] }
        let stored = context.state[key.jsString]
        let set = stored.isTruthy ? stored : .array([])
        let length = ScriptAccess.get(set, "length")
        if ScriptOperators.greater(length, 0), !context.state["current_index"].isTruthy {
            context.state["current_index"] = 0
        }
        let index = context.state["current_index"]
        guard ScriptOperators.less(index, length) else { return [NodeEdge("terminat", .null)] }
        context.state["currentDataItem"] = ScriptAccess.get(set, index.jsString)
        let next = ScriptValue.number(index.jsNumber + 1)
        context.state["current_index"] = next
        return [NodeEdge("executa", ScriptAccess.get(set, next.jsString))]
    }
}
