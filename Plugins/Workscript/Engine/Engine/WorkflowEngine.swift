import Foundation

/// Runs parsed workflows with upstream Workscript's observable semantics (see the plugin's
/// README for the order of operations and the deliberate differences: ``ExecutionLimits``,
/// and no state shared between executions).
///
/// A value with no mutable state: one engine serves any number of executions at once.
public struct WorkflowEngine: Sendable {
    public var limits: ExecutionLimits
    public var observers: [any WorkflowObserver]
    /// Record a ``TraceEntry`` per node run (off by default: it costs a clock read per node).
    public var recordsTrace: Bool

    /// Upstream's cap on consecutive runs of one loop step.
    public static let maxLoopIterations = 1000

    public init(limits: ExecutionLimits = ExecutionLimits(), observers: [any WorkflowObserver] = [], recordsTrace: Bool = false) {
        self.limits = limits
        self.observers = observers
        self.recordsTrace = recordsTrace
    }

    /// `exec_` and a random (version 4) UUID in lower case, as upstream names executions.
    /// The bytes come from ``ExecutionIDRandomness``: one system call per 256 ids, where
    /// Foundation's `UUID()` (or a generator call per word) costs a tenth of a small run.
    static func newExecutionID() -> String {
        var bytes = ExecutionIDRandomness.shared.next16()
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let digits = Array("0123456789abcdef".utf8)
        return "exec_" + String(unsafeUninitializedCapacity: 36) { out in
            var at = 0
            for (i, byte) in bytes.enumerated() {
                if i == 4 || i == 6 || i == 8 || i == 10 { out[at] = UInt8(ascii: "-"); at += 1 }
                out[at] = digits[Int(byte >> 4)]
                out[at + 1] = digits[Int(byte & 0x0F)]
                at += 2
            }
            return at
        }
    }

    /// Runs `workflow` from its `initialState`, with `initialState` here merged over it.
    /// Never throws: a failure is a `failed` result.
    public func run(_ workflow: Workflow, initialState: ScriptObject? = nil, executionId: String? = nil) async -> ExecutionResult {
        var state = workflow.initialState
        if let initialState { state.merge(initialState) }
        var run = Execution(engine: self, workflow: workflow, executionId: executionId ?? Self.newExecutionID(), state: state)
        return await run.start()
    }
}

/// Why an execution stops: upstream's messages.
struct ExecutionStop: Error {
    let message: String
    let step: String?
}

/// One execution's mutable parts.
struct Execution {
    let engine: WorkflowEngine
    let workflow: Workflow
    let executionId: String
    var store: ExecutionState
    var nodeRuns = 0
    var trace: [TraceEntry] = []
    let deadline: ContinuousClock.Instant
    let observed: Bool

    init(engine: WorkflowEngine, workflow: Workflow, executionId: String, state: ScriptObject) {
        self.engine = engine
        self.workflow = workflow
        self.executionId = executionId
        self.store = ExecutionState(state)
        self.deadline = ContinuousClock.now.advanced(by: engine.limits.timeout)
        self.observed = !engine.observers.isEmpty
    }

    mutating func start() async -> ExecutionResult {
        let startedAt = Date()
        let started = ContinuousClock.now
        do {
            if observed {
                await emit(.workflowBeforeStart, nil, ["workflow": ["id": .string(workflow.id), "name": .string(workflow.name), "version": .string(workflow.version)]])
                await emit(.workflowAfterStart, nil, ["initialState": .object(workflow.initialState)])
            }
            try await runTopLevel()
            let finalState = store.data
            if observed { await emit(.workflowBeforeEnd, nil, ["finalState": .object(finalState)]) }
            let result = ExecutionResult(executionId: executionId, workflowId: workflow.id, status: .completed, finalState: finalState, error: nil,
                                         failedStep: nil, startedAt: startedAt, duration: ContinuousClock.now - started, trace: trace)
            if observed { await emit(.workflowAfterEnd, nil, ["result": result.json, "duration": .number((result.duration.seconds * 1000).rounded())]) }
            return result
        } catch {
            let stop = error as? ExecutionStop ?? ExecutionStop(message: String(describing: error), step: nil)
            if observed { await emit(.workflowError, nil, ["error": .string(stop.message)]) }
            return ExecutionResult(executionId: executionId, workflowId: workflow.id, status: .failed, finalState: nil, error: stop.message,
                                   failedStep: stop.step, startedAt: startedAt, duration: ContinuousClock.now - started, trace: trace)
        }
    }

    func emit(_ kind: WorkflowEvent.Kind, _ nodeId: String?, _ data: ScriptObject) async {
        let event = WorkflowEvent(kind: kind, executionId: executionId, workflowId: workflow.id, nodeId: nodeId, data: data)
        for observer in engine.observers { await observer.observe(event) }
    }

    /// The top-level loop: run the step at `index`, then go where its edge says.
    mutating func runTopLevel() async throws {
        let steps = workflow.steps
        var index = 0
        var loopCounts: [String: Int] = [:]
        while index < steps.count {
            let step = steps[index]
            if step.isLoop {
                let count = loopCounts[step.nodeType, default: 0]
                if count >= WorkflowEngine.maxLoopIterations { throw ExecutionStop(message: "Loop limit exceeded for node: \(step.key)", step: step.pointer) }
                loopCounts[step.nodeType] = count + 1
            }
            let (edge, data) = try await runStep(step)
            let next = try await follow(edge, of: step, at: index)
            if next == index + 1, data.isTruthy { store.setEdgeContext(data) }
            if step.isLoop, next != index { loopCounts[step.nodeType] = nil }
            index = next
        }
    }

    /// Where a top-level step's edge leads: the next index.
    mutating func follow(_ edge: String?, of step: WorkflowStep, at index: Int) async throws -> Int {
        guard let edge, let route = step.route(for: edge) else { return index + 1 }
        switch route {
        case .simple(let target, let jump, let node):
            if let jump { return jump }
            if let node { try await runBare(target, node) }
        case .sequence(let items): try await runSequence(items)
        case .nested(let nested): try await runNested(nested)
        }
        return step.isLoop ? index : index + 1
    }

    mutating func runSequence(_ items: [SequenceItem]) async throws {
        for item in items {
            switch item {
            case .named(let id, let node):
                guard let node else { throw ExecutionStop(message: "Node not found: \(id)", step: nil) }
                try await runBare(id, node)
            case .step(let step): try await runNested(step)
            }
        }
    }

    /// An inline step: its configured edge runs, nested targets never jump; a loop step
    /// repeats while it takes a configured edge.
    mutating func runNested(_ step: WorkflowStep) async throws {
        var count = 0
        repeat {
            if step.isLoop {
                if count >= WorkflowEngine.maxLoopIterations { throw ExecutionStop(message: "Loop limit exceeded for node: \(step.key)", step: step.pointer) }
                count += 1
            }
            let (edge, _) = try await runStep(step)
            guard let edge, let route = step.route(for: edge) else { return }
            switch route {
            case .simple(let target, _, let node): if let node { try await runBare(target, node) }
            case .sequence(let items): try await runSequence(items)
            case .nested(let nested): try await runNested(nested)
            }
        } while step.isLoop
    }

    mutating func budget(_ step: String) throws {
        nodeRuns += 1
        if nodeRuns > engine.limits.maxNodeRuns {
            throw ExecutionStop(message: "Step budget exceeded: more than \(engine.limits.maxNodeRuns) node runs", step: step)
        }
        if ContinuousClock.now > deadline {
            throw ExecutionStop(message: "Execution time limit exceeded (\(engine.limits.timeout))", step: step)
        }
        if Task.isCancelled { throw ExecutionStop(message: "Execution cancelled", step: step) }
    }

    /// Runs one step as upstream's `executeNode`: inputs are the previous edge's data under
    /// the state, config resolved against the state as it was before, the first edge with
    /// data taken, and the node's copy of the state merged back.
    mutating func runStep(_ step: WorkflowStep) async throws -> (String?, ScriptValue) {
        try budget(step.pointer)
        let began = engine.recordsTrace ? ContinuousClock.now : nil
        // Upstream copies the state before consuming the edge context, so the copy still holds
        // the consumed `_edgeContext` and writes it back when the node returns.
        let state = store.data
        let edgeContext = store.takeEdgeContext()
        // Inputs spread the edge data under the state after the edge context left it.
        var context = NodeContext(state: state, edge: ExecutionState.spread(edgeContext), inputState: store.data, nodeConfig: step.config,
                                  workflowId: workflow.id, nodeId: step.key, executionId: executionId)
        do {
            if observed { await emit(.nodeBeforeExecute, step.key, ["nodeConfig": .object(step.config)]) }
            let config = step.configIsStatic ? step.config : try StateResolver.resolve(step.config, in: context.state)
            let edges = try await step.node.execute(&context, config: config)
            var taken: (String?, ScriptValue) = (nil, .null)
            for edge in edges where !edge.data.isUndefined {
                if edge.data.arrayValue != nil || edge.data.objectValue != nil { store.setEdgeContext(edge.data) }
                taken = (edge.name, edge.data)
                break
            }
            // Drop the inputs' hold on the state first, or merging back copies it.
            context.inputs = [:]
            store.update(with: context.state)
            if let began { trace.append(TraceEntry(step: step.pointer, nodeType: step.nodeType, edge: taken.0, duration: ContinuousClock.now - began, error: nil)) }
            if observed {
                await emit(.nodeAfterExecute, step.key, ["edgeResult": ["edge": taken.0.map { .string($0) } ?? .null, "data": taken.1]])
                if let edge = taken.0 { await emit(.nodeEdgeTaken, step.key, ["edge": .string(edge), "edgeData": taken.1]) }
            }
            return taken
        } catch let stop as ExecutionStop {
            throw stop
        } catch {
            let message = String(describing: error)
            if let began { trace.append(TraceEntry(step: step.pointer, nodeType: step.nodeType, edge: nil, duration: ContinuousClock.now - began, error: message)) }
            if observed { await emit(.nodeError, step.key, ["error": .string(message)]) }
            // Only a string `error?` route catches a throw (upstream's rule).
            if case .simple? = step.route(for: "error") {
                return ("error", ["error": .string(message), "stack": .string("Error: \(message)")])
            }
            throw ExecutionStop(message: "Node execution failed: \(step.key) - \(message)", step: step.pointer)
        }
    }

    /// A node run by id as an edge target or sequence item: no config, no hooks, the edge
    /// context alone as inputs, its edges ignored.
    mutating func runBare(_ id: String, _ node: any WorkflowNode) async throws {
        try budget(id)
        let began = engine.recordsTrace ? ContinuousClock.now : nil
        let state = store.data
        let edgeContext = store.takeEdgeContext()
        var context = NodeContext(state: state, edge: edgeContext.isTruthy ? ExecutionState.spread(edgeContext) : [:], inputState: nil, nodeConfig: nil,
                                  workflowId: workflow.id, nodeId: id, executionId: executionId)
        do {
            _ = try await node.execute(&context, config: [:])
        } catch {
            throw ExecutionStop(message: String(describing: error), step: id)
        }
        store.update(with: context.state)
        if let began { trace.append(TraceEntry(step: id, nodeType: node.metadata.id, edge: nil, duration: ContinuousClock.now - began, error: nil)) }
    }
}
