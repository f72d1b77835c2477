/// A step type a workflow can use: `math`, `filter`, `range`, or one a plugin contributes.
///
/// A node reads its resolved configuration (`$.` references already replaced), reads and
/// writes ``NodeContext/state``, and answers with the edges it takes: the engine follows the
/// first one whose data is not `undefined`, as upstream Workscript does with its edge map.
/// A node reports expected failures as an `error` edge (the workflow goes on) and throws only
/// for what the workflow cannot handle; a thrown error is caught only by a string `error?`
/// route, otherwise the execution fails.
///
/// Nodes are shared by every execution at once: keep per-execution data in the state.
public protocol WorkflowNode: Sendable {
    /// The node's id (the workflow's step key without `...`), description and config fields.
    var metadata: NodeMetadata { get }

    /// Runs the node once.
    /// - Parameters:
    ///   - context: the execution's state (a copy the engine merges back, key by key, after
    ///     the node returns) and the inputs (the previous edge's data, overridden by state).
    ///   - config: the step's parameters with `$.` references resolved; empty when the node
    ///     runs as a bare edge target.
    /// - Returns: the edges in order of preference; the first whose data is not `undefined`
    ///   is taken.
    func execute(_ context: inout NodeContext, config: ScriptObject) async throws -> [NodeEdge]
}

/// One outcome of a node: the edge name and the data it carries to the next step.
public struct NodeEdge: Sendable, Equatable {
    public let name: String
    public let data: ScriptValue

    public init(_ name: String, _ data: ScriptValue) {
        self.name = name
        self.data = data
    }

    /// `{error: message}` on the `error` edge, the form most nodes use.
    public static func error(_ message: String) -> NodeEdge {
        NodeEdge("error", ["error": .string(message)])
    }
}

/// What a node sees of its execution.
public struct NodeContext: Sendable {
    /// The execution's state. Changes reach the shared state when the node returns; a key
    /// removed here keeps its old value there (upstream merges the node's copy over the state),
    /// so set a key to `undefined` to delete it.
    public var state: ScriptObject
    /// The previous edge's data, overridden by every state key, plus `_nodeConfig` (the
    /// step's unresolved parameters) for top-level and nested steps. Built when read (most
    /// nodes never read it, and it is as large as the state); ``input(_:)`` reads one key
    /// without building it.
    public var inputs: ScriptObject {
        get {
            switch parts {
            case .built(let inputs): return inputs
            case .spread(let edge, let state, let nodeConfig):
                var inputs = state.map { ScriptObject.spreading(edge, under: $0) } ?? edge
                if let nodeConfig { inputs["_nodeConfig"] = .object(nodeConfig) }
                return inputs
            }
        }
        set { parts = .built(newValue) }
    }
    private var parts: InputParts

    private enum InputParts: Sendable {
        case built(ScriptObject)
        /// `{...edge, ...state, _nodeConfig}`.
        case spread(edge: ScriptObject, state: ScriptObject?, nodeConfig: ScriptObject?)
    }

    /// `inputs[key]`, without building the whole object.
    public func input(_ key: String) -> ScriptValue {
        switch parts {
        case .built(let inputs): return inputs[key]
        case .spread(let edge, let state, let nodeConfig):
            if key == "_nodeConfig", let nodeConfig { return .object(nodeConfig) }
            if let state, state.contains(key) { return state[key] }
            return edge[key]
        }
    }

    /// Whether ``inputs`` has `key`.
    public func hasInput(_ key: String) -> Bool {
        switch parts {
        case .built(let inputs): return inputs.contains(key)
        case .spread(let edge, let state, let nodeConfig):
            return (key == "_nodeConfig" && nodeConfig != nil) || state?.contains(key) == true || edge.contains(key)
        }
    }
    public let workflowId: String
    /// The step key as written, loop suffix included (`range...`): iterator nodes keep their
    /// progress under a state key derived from it.
    public let nodeId: String
    public let executionId: String

    public init(state: ScriptObject, inputs: ScriptObject, workflowId: String, nodeId: String, executionId: String) {
        self.init(state: state, parts: .built(inputs), workflowId: workflowId, nodeId: nodeId, executionId: executionId)
    }

    /// The engine's form: inputs spread from the edge data, the state and the config when read.
    init(state: ScriptObject, edge: ScriptObject, inputState: ScriptObject?, nodeConfig: ScriptObject?, workflowId: String, nodeId: String, executionId: String) {
        self.init(state: state, parts: .spread(edge: edge, state: inputState, nodeConfig: nodeConfig), workflowId: workflowId, nodeId: nodeId, executionId: executionId)
    }

    private init(state: ScriptObject, parts: InputParts, workflowId: String, nodeId: String, executionId: String) {
        self.state = state
        self.parts = parts
        self.workflowId = workflowId
        self.nodeId = nodeId
        self.executionId = executionId
    }
}

/// A thrown node failure whose message is what the workflow sees (`error` of the result or of
/// the `error` edge's data).
public struct NodeFailure: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A node with rules on its config beyond field types, checked when a workflow is validated
/// (for literal values; `$.` references are known only at run time).
public protocol ConfigChecking: Sendable {
    /// Problems of `config` (unresolved), each naming the config field it is about.
    func problems(in config: ScriptObject) -> [(field: String, message: String)]
}
