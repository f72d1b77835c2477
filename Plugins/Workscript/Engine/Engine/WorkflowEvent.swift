/// Something that happened in an execution, for observers (the platform streams these over
/// `/ws`; tests assert them). Names are upstream's hook names.
public struct WorkflowEvent: Sendable {
    public enum Kind: String, Sendable {
        case workflowBeforeStart = "workflow:before-start"
        case workflowAfterStart = "workflow:after-start"
        case workflowBeforeEnd = "workflow:before-end"
        case workflowAfterEnd = "workflow:after-end"
        case workflowError = "workflow:on-error"
        case nodeBeforeExecute = "node:before-execute"
        case nodeAfterExecute = "node:after-execute"
        case nodeEdgeTaken = "node:on-edge-taken"
        case nodeError = "node:on-error"
    }

    public let kind: Kind
    /// Every event carries the execution it belongs to (upstream's do not).
    public let executionId: String
    public let workflowId: String
    /// The step key, for node events.
    public let nodeId: String?
    /// Upstream's payload: `{nodeConfig}`, `{edge, edgeData}`, `{error}`, `{finalState}`, ...
    public let data: ScriptObject
}

/// Receives an execution's events in order. Called inline: an observer that does slow work
/// should hand it off.
public protocol WorkflowObserver: Sendable {
    func observe(_ event: WorkflowEvent) async
}
