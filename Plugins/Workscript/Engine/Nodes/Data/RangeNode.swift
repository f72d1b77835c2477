/// `range`: counts from `start` (0) towards `stop` (exclusive) by `step` (1), one value per
/// run: `current_step` while values remain, then `complete`. Run it as a loop step
/// (`range...`). Progress lives in the state under `__range_<step key>` and, as upstream,
/// stays there after `complete`, so a second step with the same key completes at once.
public struct RangeNode: WorkflowNode {
    public init() {}
    public let metadata = NodeMetadata(
        id: "range", name: "Range", description: "Iterates over a numeric range like Python's range(start, stop, step), one value per execution",
        inputs: ["start", "stop", "step", "valueKey", "indexKey", "stateKey"], outputs: ["current_step", "complete", "error"],
        hints: NodeHints(purpose: "Loop over a sequence of numbers",
                         whenToUse: "When you need to repeat steps a fixed number of times or iterate numeric values",
                         expectedEdges: ["current_step", "complete", "error"],
                         exampleUsage: #"{"range...": {"start": 0, "stop": 5, "current_step?": {"log": {"message": "{{$.rangeValue}}"}}}}"#,
                         exampleConfig: #"{"start": "number (0)", "stop": "number (exclusive)", "step": "number (1)", "valueKey": "string (rangeValue)", "indexKey": "string (rangeIndex)"}"#,
                         postToState: ["rangeValue", "rangeIndex", "rangeTotal", "rangeIsFirst", "rangeIsLast"]),
        config: [
            NodeConfigField("start", .number, default: 0, description: "first value"),
            NodeConfigField("stop", .number, required: true, description: "end of the range, exclusive"),
            NodeConfigField("step", .number, default: 1, description: "increment; negative counts down, 0 is an error"),
            NodeConfigField("valueKey", .string, default: "rangeValue", description: "state key of the current value"),
            NodeConfigField("indexKey", .string, default: "rangeIndex", description: "state key of the current index"),
            NodeConfigField("stateKey", .string, description: "state key of the progress record (default __range_<step key>)"),
        ],
        category: "dataManipulation")

    public func execute(_ context: inout NodeContext, config: ScriptObject) async throws -> [NodeEdge] {
        let start = config["start"].isUndefined ? ScriptValue.number(0) : config["start"]
        let stop = config["stop"]
        let step = config["step"].isUndefined ? ScriptValue.number(1) : config["step"]
        let valueKey = config["valueKey"].isUndefined ? "rangeValue" : config["valueKey"].jsString
        let indexKey = config["indexKey"].isUndefined ? "rangeIndex" : config["indexKey"].jsString
        let stateKey = config["stateKey"].isTruthy ? config["stateKey"].jsString : "__range_\(context.nodeId)"
        var record = context.state[stateKey].objectValue
        if record?["initialized"].isTruthy != true { record = nil }
        let nodeId = ScriptValue.string(context.nodeId)

        if record == nil {
            if stop.isNullish {
                return [NodeEdge("error", ["error": "Missing required parameter: stop", "nodeId": nodeId, "expected": "number (the ending value, exclusive)", "received": .string(stop.typeOf)])]
            }
            for (name, value) in [("stop", stop), ("start", start), ("step", step)] {
                guard case .number(let number) = value, !number.isNaN else {
                    return [NodeEdge("error", ["error": .string("Parameter \"\(name)\" must be a valid number"), "nodeId": nodeId, "expected": "number", "received": .string(value.typeOf), "value": value])]
                }
            }
            if step.numberValue == 0 {
                return [NodeEdge("error", ["error": "Parameter \"step\" cannot be zero (would cause infinite loop)", "nodeId": nodeId,
                                           "suggestion": "Use a positive step to count up, or a negative step to count down"])]
            }
            let (a, b, s) = (start.jsNumber, stop.jsNumber, step.jsNumber)
            let total: Double = (s > 0 && a >= b) || (s < 0 && a <= b) ? 0 : ((b - a) / s).magnitude.rounded(.up)
            if total == 0 {
                context.state[valueKey] = .undefined
                context.state[indexKey] = -1
                context.state["rangeTotal"] = 0
                context.state["rangeIsFirst"] = false
                context.state["rangeIsLast"] = false
                return [NodeEdge("complete", ["message": "Range is empty, no values to iterate", "start": start, "stop": stop, "step": step, "totalIterations": 0, "valuesProcessed": 0])]
            }
            record = ["start": start, "stop": stop, "step": step, "currentValue": start, "currentIndex": 0, "totalIterations": .number(total), "initialized": true]
        }
        var progress = record!
        let value = progress["currentValue"], index = progress["currentIndex"].jsNumber, total = progress["totalIterations"].jsNumber
        if index >= total {
            context.state[valueKey] = .undefined
            context.state[indexKey] = .number(total)
            context.state["rangeTotal"] = .number(total)
            context.state["rangeIsFirst"] = false
            context.state["rangeIsLast"] = true
            return [NodeEdge("complete", ["message": "All values in range have been processed", "start": progress["start"], "stop": progress["stop"],
                                          "step": progress["step"], "totalIterations": .number(total), "valuesProcessed": .number(total)])]
        }
        let isFirst = index == 0, isLast = index == total - 1
        context.state[valueKey] = value
        context.state[indexKey] = .number(index)
        context.state["rangeTotal"] = .number(total)
        context.state["rangeIsFirst"] = .bool(isFirst)
        context.state["rangeIsLast"] = .bool(isLast)
        progress["currentValue"] = ScriptOperators.add(value, progress["step"])
        progress["currentIndex"] = .number(index + 1)
        context.state[stateKey] = .object(progress)
        return [NodeEdge("current_step", ["value": value, "index": .number(index), "totalIterations": .number(total), "isFirst": .bool(isFirst), "isLast": .bool(isLast),
                                          "remaining": .number(total - index - 1), "start": progress["start"], "stop": progress["stop"], "step": progress["step"]])]
    }
}
