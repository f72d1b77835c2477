/// A parsed, validated workflow document, bound to the nodes of the registry it was parsed
/// with.
public struct Workflow: Sendable {
    public let id: String
    public let name: String
    public let version: String
    public let description: String?
    public let initialState: ScriptObject
    /// The top-level steps, in order.
    public let steps: [WorkflowStep]
}

/// One step: a node invocation with its parameters and edge routes.
public struct WorkflowStep: Sendable {
    /// The key as written: `math`, `range...`, `$.user.name`.
    public let key: String
    /// The node type: the key without `...`, or `__state_setter__` for a `$.` key.
    public let nodeType: String
    public let isLoop: Bool
    /// The parameters, unresolved (for a state setter, `statePath` and `value`).
    public let config: ScriptObject
    /// Edge routes by edge name, in document order.
    public let edges: [(name: String, route: EdgeRoute)]
    /// Where the step is in the document (a JSON pointer).
    public let pointer: String
    let node: any WorkflowNode
    /// Whether resolving ``config`` against any state gives it back unchanged (no `$.` in any
    /// string, nesting within ``StateResolver/maxDepth``): the engine then skips resolution.
    let configIsStatic: Bool

    init(key: String, nodeType: String, isLoop: Bool, config: ScriptObject, edges: [(name: String, route: EdgeRoute)], pointer: String, node: any WorkflowNode) {
        self.key = key
        self.nodeType = nodeType
        self.isLoop = isLoop
        self.config = config
        self.edges = edges
        self.pointer = pointer
        self.node = node
        self.configIsStatic = StateResolver.isStatic(config)
    }

    public func route(for edge: String) -> EdgeRoute? {
        for entry in edges where entry.name == edge { return entry.route }
        return nil
    }
}

/// Where an edge leads.
public indirect enum EdgeRoute: Sendable {
    /// A step key or node id (`null` in the document is the target `"null"`, as upstream
    /// parses it). At top level a target that is a step key is a jump to the first such step
    /// (`jump`); otherwise a registry node runs once with no config (`node`); otherwise
    /// nothing happens.
    case simple(target: String, jump: Int?, node: (any WorkflowNode)?)
    /// Items run in order.
    case sequence([SequenceItem])
    /// One inline step.
    case nested(WorkflowStep)
}

public enum SequenceItem: Sendable {
    /// A node id run with no config; nil when no node has that id (the run fails there).
    case named(String, (any WorkflowNode)?)
    case step(WorkflowStep)
}
