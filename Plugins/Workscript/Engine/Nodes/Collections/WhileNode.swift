/// `while`: takes `do` while `condition` holds and `done` once it does not; run it as a loop
/// step (`while...`). The condition is a boolean, any value (JavaScript truthiness) or
/// `{left, operator, right}`; it is re-resolved before every run, so `$.` references follow
/// the state. `maxIterations` (1000) caps the `do` runs with an `error` edge. The iteration
/// count goes to `iterationKey` (`whileIteration`) and the progress record to
/// `__while_<step key>` (or `stateKey`); as upstream, the record survives `done` (its
/// `delete` is lost in the state merge), so re-entering the loop continues its count.
public struct WhileNode: WorkflowNode {
    public init() {}
    public let metadata = NodeMetadata(
        id: "while", name: "While Loop",
        description: "Loop while a condition is true, like JavaScript's while loop. Designed for loop workflows with ... suffix.",
        inputs: ["condition", "maxIterations", "stateKey", "iterationKey"], outputs: ["whileIteration", "whileIsFirst"],
        hints: NodeHints(
            purpose: "Execute a loop body repeatedly while a condition evaluates to true. Emits `do` edge for each iteration and `done` edge when condition becomes false.",
            whenToUse: "When you need to repeat operations until a condition is no longer met. Use with the ... suffix on the node ID to enable automatic loop-back behavior. Similar to JavaScript's while(condition) { ... } loop.",
            expectedEdges: ["do", "done", "error"],
            exampleUsage: #"{"while...": {"condition": "$.shouldContinue", "do?": "process-item", "done?": "finish-processing"}}"#,
            exampleConfig: #"{"condition": "boolean | $.stateRef | {left, operator, right}", "maxIterations?": "number (default: 1000)", "iterationKey?": "string (default: whileIteration)"}"#,
            getFromState: ["condition value (resolved from state reference)"],
            postToState: ["whileIteration (or custom iterationKey)", "whileIsFirst"]),
        config: [
            NodeConfigField("condition", required: true, description: "a boolean, a value taken by truthiness, or {left, operator, right}"),
            NodeConfigField("maxIterations", .number, default: 1000, description: "most do runs before the error edge; must be positive"),
            NodeConfigField("stateKey", .string, description: "state key of the progress record (default __while_<step key>)"),
            NodeConfigField("iterationKey", .string, default: "whileIteration", description: "state key of the current iteration"),
        ],
        category: "dataManipulation")

    public func execute(_ context: inout NodeContext, config: ScriptObject) async throws -> [NodeEdge] {
        let condition = config["condition"]
        let maxIterations = config["maxIterations"].isUndefined ? ScriptValue.number(1000) : config["maxIterations"]
        let iterationKey = config["iterationKey"].isUndefined ? "whileIteration" : config["iterationKey"].jsString
        let recordKey = config["stateKey"].isTruthy ? config["stateKey"].jsString : "__while_\(context.nodeId)"
        let nodeId = ScriptValue.string(context.nodeId)

        if condition.isUndefined {
            return [NodeEdge("error", ["error": "Missing required parameter: condition", "nodeId": nodeId,
                                       "expected": "boolean, state reference ($.key), or comparison object {left, operator, right}",
                                       "received": "undefined"])]
        }
        guard case .number(let limit) = maxIterations, !(limit <= 0) else {
            return [NodeEdge("error", ["error": "Parameter \"maxIterations\" must be a positive number", "nodeId": nodeId,
                                       "expected": "positive number", "received": .string(maxIterations.typeOf), "value": maxIterations])]
        }

        var record = context.state[recordKey]
        if !(record.isTruthy && ScriptAccess.get(record, "initialized").isTruthy) {
            record = ["currentIteration": 0, "maxIterations": .number(limit), "initialized": true]
            context.state[recordKey] = record
        }
        let iteration = ScriptAccess.get(record, "currentIteration")
        let recordLimit = ScriptAccess.get(record, "maxIterations")
        if ScriptOperators.greaterOrEqual(iteration, recordLimit) {
            // Upstream deletes the record here and below; the state merge keeps the stored one.
            context.state.removeValue(forKey: recordKey)
            context.state[iterationKey] = iteration
            context.state["whileIsFirst"] = false
            return [NodeEdge("error", ["error": .string("Maximum iterations (\(recordLimit.jsString)) exceeded"), "nodeId": nodeId,
                                       "iterationsExecuted": iteration,
                                       "suggestion": "Check your loop condition or increase maxIterations if intentional"])]
        }

        let holds: Bool
        do {
            holds = try Self.evaluate(condition)
        } catch {
            context.state.removeValue(forKey: recordKey)
            return [NodeEdge("error", ["error": .string(error.message), "nodeId": nodeId, "details": .string(error.stack)])]
        }
        if !holds {
            context.state.removeValue(forKey: recordKey)
            context.state[iterationKey] = iteration
            context.state["whileIsFirst"] = false
            return [NodeEdge("done", ["message": "While loop condition is false, exiting loop", "totalIterations": iteration, "nodeId": nodeId])]
        }
        let isFirst = iteration.strictlyEquals(0)
        context.state[iterationKey] = iteration
        context.state["whileIsFirst"] = .bool(isFirst)
        if case .object(var progress) = record {
            progress["currentIteration"] = .number(iteration.jsNumber + 1)
            context.state[recordKey] = .object(progress)
        }
        return [NodeEdge("do", ["iteration": iteration, "isFirst": .bool(isFirst), "conditionWasTrue": true, "nodeId": nodeId])]
    }

    /// A boolean as it is, a `{left, operator, right}` object compared, anything else by
    /// truthiness.
    static func evaluate(_ condition: ScriptValue) throws(CaughtScriptError) -> Bool {
        if case .bool(let flag) = condition { return flag }
        guard case .object(let comparison) = condition, comparison.contains("operator") else { return condition.isTruthy }
        let left = comparison["left"], right = comparison["right"], op = comparison["operator"]
        switch op.stringValue {
        case "==", "equals": return try looselyEqual(left, right)
        case "===": return left.strictlyEquals(right)
        case "!=", "notEquals": return !(try looselyEqual(left, right))
        case "!==": return !left.strictlyEquals(right)
        case "<", "less": return try ItemAccess.number(left) < ItemAccess.number(right)
        case "<=", "lessOrEqual": return try ItemAccess.number(left) <= ItemAccess.number(right)
        case ">", "greater": return try ItemAccess.number(left) > ItemAccess.number(right)
        case ">=", "greaterOrEqual": return try ItemAccess.number(left) >= ItemAccess.number(right)
        default: throw .error("Unknown operator: \(op.jsString)")
        }
    }

    /// `==`, whose conversion of an object compared with a primitive can throw.
    static func looselyEqual(_ a: ScriptValue, _ b: ScriptValue) throws(CaughtScriptError) -> Bool {
        let container: (ScriptValue) -> Bool = { $0.arrayValue != nil || $0.objectValue != nil }
        if container(a) != container(b), !a.isNullish, !b.isNullish { _ = try ItemAccess.text(container(a) ? a : b) }
        return a.looselyEquals(b)
    }
}
