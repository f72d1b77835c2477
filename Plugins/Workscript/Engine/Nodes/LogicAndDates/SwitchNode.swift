/// `switch`: routes `item` (default: all of the inputs) to a dynamic edge. In `rules` mode
/// (the default) the edge is the `outputKey` of the first rule whose conditions hold
/// (conditions as upstream's: `dataType` `string` by default, unknown operations false); in
/// `expression` mode it is the text of the expression's result, in ``WorkflowExpression``'s
/// language with `item` bound (upstream runs JavaScript instead). Without a match the edge is
/// `fallbackOutput` (`default`). Writes `switchResult` (the item), `selectedEdge` and
/// `matchedRule`. An expression outside the language or failing takes `error`; upstream's
/// `details` (a stack trace) keeps only its first line.
public struct SwitchNode: WorkflowNode {
    public init() {}
    public let metadata = NodeMetadata(
        id: "switch", name: "Switch Node",
        description: "Route items to different branches based on condition rules or JavaScript expressions",
        inputs: ["mode", "rules", "expression", "fallbackOutput", "item"], outputs: ["<dynamic>", "error"],
        hints: NodeHints(purpose: "Route workflow execution to different branches based on conditional logic or expressions",
                         whenToUse: "When you need to route items to different processing paths based on data conditions (e.g., VIP customers, high-value orders, regional processing)",
                         expectedEdges: ["<dynamic-based-on-rules>", "default", "error"],
                         exampleUsage: #"{"switch-1": {"mode": "rules", "rules": [{"outputKey": "vip", "conditions": [{"field": "customerType", "operation": "equals", "value": "premium"}]}], "fallbackOutput": "standard", "vip?": "vip-path", "standard?": "standard-path"}}"#,
                         exampleConfig: #"{"mode": "rules|expression", "rules": "[{outputKey: string, conditions: Condition[]}]", "expression?": "string", "fallbackOutput?": "string", "item?": "any"}"#,
                         postToState: ["switchResult", "selectedEdge", "matchedRule"]),
        config: [
            NodeConfigField("mode", .string, default: "rules", description: "rules or expression"),
            NodeConfigField("rules", .array, default: [], description: "[{outputKey, conditions: [{field, dataType, operation, value, value2, combineWith}]}]"),
            NodeConfigField("expression", .string, description: "an expression of item whose text is the edge, e.g. item.score >= 90 ? 'high' : 'low'"),
            NodeConfigField("fallbackOutput", .string, default: "default", description: "the edge when nothing matches"),
            NodeConfigField("item", description: "the value to route (default: the inputs)"),
        ],
        category: "dataManipulation")

    public func execute(_ context: inout NodeContext, config: ScriptObject) async throws -> [NodeEdge] {
        let mode = config["mode"].isUndefined ? ScriptValue.string("rules") : config["mode"]
        let rules = config["rules"].isUndefined ? ScriptValue.array([]) : config["rules"]
        let fallback = config["fallbackOutput"].isUndefined ? ScriptValue.string("default") : config["fallbackOutput"]
        let nodeId = ScriptValue.string(context.nodeId)
        guard mode.strictlyEquals("rules") || mode.strictlyEquals("expression") else {
            return [NodeEdge("error", ["error": .string("Invalid mode: \(mode.jsString). Must be \"rules\" or \"expression\""), "nodeId": nodeId])]
        }
        let item = config["item"].isUndefined ? ScriptValue.object(context.inputs) : config["item"]
        var selected: ScriptValue
        var matched: ScriptValue?
        do throws(ScriptFailure) {
            if mode.strictlyEquals("rules") {
                matched = try SwitchConditions.firstMatch(rules, item: item)
                selected = matched.map { ScriptAccess.get($0, "outputKey") } ?? ""
            } else {
                selected = .string(try SwitchNode.evaluate(config["expression"], item: item, state: context.state))
            }
        } catch {
            return [NodeEdge("error", ["error": .string(error.message), "nodeId": nodeId, "mode": mode, "details": .string(error.stackHead)])]
        }
        if !selected.isTruthy { selected = fallback }
        context.state["switchResult"] = item
        context.state["selectedEdge"] = selected
        if let matched { context.state["matchedRule"] = matched }
        return [NodeEdge(selected.jsString, ["item": item, "edge": selected, "matchedRule": matched.map { ScriptAccess.get($0, "outputKey") } ?? .undefined, "mode": mode])]
    }

    /// `String(result || '')`; any failure reads `Failed to evaluate expression: ...`.
    static func evaluate(_ expression: ScriptValue, item: ScriptValue, state: ScriptObject) throws(ScriptFailure) -> String {
        guard expression.isTruthy else { return "" }
        do throws(ScriptFailure) {
            let program: WorkflowExpression
            do throws(ExpressionProblem) {
                program = try WorkflowExpression.switchExpression(expression.jsString)
            } catch {
                throw ScriptFailure(error.message)
            }
            let result = try program.evaluate(item, state: state)
            return result.isTruthy ? result.jsString : ""
        } catch {
            throw ScriptFailure("Failed to evaluate expression: \(error.message)")
        }
    }
}
