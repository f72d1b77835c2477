/// `aplica-filtre` (Romanian, from upstream's real-estate integration): keeps the items of the
/// array under the state key `setDate` that satisfy every filter `{camp, valoare}` (strings
/// compared case-insensitively, anything else with `==`; `assignedAgentName: "toti"` matches
/// every item), writes `filteredData` and answers `success {filteredCount}`. Without filters
/// the value is kept as it is, whatever it is. A value that cannot be filtered, a `null`
/// filter or a `null` item answers upstream's generic `error`.
public struct AplicaFiltreNode: WorkflowNode {
    public init() {}
    public let metadata = NodeMetadata(
        id: "aplica-filtre", name: "Aplica Filtre",
        description: "A node that filter data sets from real estate agency on many criteria",
        hints: NodeHints(purpose: "", whenToUse: "", expectedEdges: ["success", "error"], exampleUsage: "", exampleConfig: "",
                         postToState: ["filteredData"]),
        config: [
            NodeConfigField("setDate", .string, required: true, description: "the state key of the array to filter"),
            NodeConfigField("filtre", .array, description: "[{camp, valoare}]: field and value every kept item has"),
        ],
        category: "integrations")

    static let failure = NodeEdge.error("A aparut o eroare la incarcarea contactelor")

    public func execute(_ context: inout NodeContext, config: ScriptObject) async throws -> [NodeEdge] {
        let key = config["setDate"], filters = config["filtre"]
        guard key.isTruthy else { return [.error("Lipseste setul de date care trebuie filtrat")] }
        let stored = context.state[key.jsString]
        let set = stored.isTruthy ? stored : .array([])
        var filtered = set
        if filters.isTruthy, ScriptOperators.greater(ScriptAccess.get(filters, "length"), 0) {
            guard case .array(let items) = set, case .array(let rules) = filters else { return [AplicaFiltreNode.failure] }
            var kept: [ScriptValue] = []
            for item in items {
                var keep = true
                for rule in rules {
                    guard !rule.isNullish else { return [AplicaFiltreNode.failure] }
                    let field = ScriptAccess.get(rule, "camp"), wanted = ScriptAccess.get(rule, "valoare")
                    if field.strictlyEquals("assignedAgentName") && wanted.strictlyEquals("toti") { continue }
                    guard !item.isNullish else { return [AplicaFiltreNode.failure] }
                    let value = ScriptAccess.get(item, field.jsString)
                    let matches: Bool
                    if case .string(let a) = value, case .string(let b) = wanted {
                        matches = a.lowercased().utf16.elementsEqual(b.lowercased().utf16)
                    } else {
                        matches = value.looselyEquals(wanted)
                    }
                    if !matches { keep = false; break }
                }
                if keep { kept.append(item) }
            }
            filtered = .array(kept)
        }
        context.state["filteredData"] = filtered
        return [NodeEdge("success", ["filteredCount": ScriptAccess.get(filtered, "length")])]
    }
}
