import Foundation

/// How an execution ended.
public enum ExecutionStatus: String, Sendable {
    case completed, failed
}

/// The outcome of one execution.
public struct ExecutionResult: Sendable {
    /// `exec_` followed by a UUID, as upstream names executions.
    public let executionId: String
    public let workflowId: String
    public let status: ExecutionStatus
    /// The state at the end; nil when the execution failed (as upstream, which returns no
    /// final state for a failure).
    public let finalState: ScriptObject?
    /// Why the execution failed, in upstream's words (`Node execution failed: math - ...`).
    public let error: String?
    /// The step where it failed, when a step did.
    public let failedStep: String?
    public let startedAt: Date
    public let duration: Duration
    /// One entry per node run, when tracing was asked for.
    public let trace: [TraceEntry]

    /// `{executionId, workflowId, status, finalState | error, startTime, endTime}` as upstream
    /// answers, plus `trace` when recorded.
    public var json: ScriptValue {
        var object: ScriptObject = ["executionId": .string(executionId), "workflowId": .string(workflowId), "status": .string(status.rawValue)]
        if let finalState { object["finalState"] = .object(finalState) }
        if let error { object["error"] = .string(error) }
        if let failedStep { object["failedStep"] = .string(failedStep) }
        object["startTime"] = .string(ISOTime.format(startedAt))
        object["endTime"] = .string(ISOTime.format(startedAt.addingTimeInterval(duration.seconds)))
        object["durationMs"] = .number((duration.seconds * 1000 * 1000).rounded() / 1000)
        if !trace.isEmpty { object["trace"] = .array(trace.map(\.json)) }
        return .object(object)
    }
}

/// One node run of an execution.
public struct TraceEntry: Sendable {
    /// The step's JSON pointer in the document; a bare node id for a node run as an edge target.
    public let step: String
    public let nodeType: String
    /// The edge taken; nil when none was.
    public let edge: String?
    /// The node's running time.
    public let duration: Duration
    /// Why the node threw, when it did.
    public let error: String?

    public var json: ScriptValue {
        var object: ScriptObject = ["step": .string(step), "node": .string(nodeType)]
        object["edge"] = edge.map { .string($0) } ?? .null
        object["durationUs"] = .number((duration.seconds * 1_000_000).rounded())
        if let error { object["error"] = .string(error) }
        return .object(object)
    }
}

/// Bounds on one execution, which upstream lacks (its 30 s timeout is never applied and a
/// backward jump can run forever).
public struct ExecutionLimits: Sendable {
    /// Wall-clock time an execution may take (default 30 s, upstream's declared timeout).
    public var timeout: Duration
    /// Node runs an execution may make, loops and jumps included (default 100,000).
    public var maxNodeRuns: Int

    public init(timeout: Duration = .seconds(30), maxNodeRuns: Int = 100_000) {
        self.timeout = timeout
        self.maxNodeRuns = maxNodeRuns
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
