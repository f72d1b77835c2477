import Foundation

/// `mathOperations`: arithmetic on state values named by dotted paths. `multiple_fields`
/// (default) combines `field1` with `field2` or `value` (add, subtract, multiply, divide,
/// power, modulo); `single_field` applies sqrt, round, ceil, floor or abs to `field1`;
/// `aggregate` folds `fields` (sum/add, average, min, max, multiply; missing ones skipped).
/// `precision` rounds half up as `Math.round`. Writes `outputField` (`result`, a top-level
/// key) and `mathOperationsResult`. Kept from upstream: `value` is used as given, so a text
/// `value` concatenates on add and escapes the division-by-zero check.
public struct MathOperationsNode: WorkflowNode {
    public init() {}
    public let metadata = NodeMetadata(
        id: "mathOperations", name: "Math Operations",
        description: "Universal node - perform mathematical calculations on data with support for single field, multiple fields, and aggregate operations",
        inputs: ["operation", "mode", "field1", "field2", "value", "fields", "outputField", "precision"], outputs: ["result", "outputField"],
        hints: NodeHints(purpose: "Perform mathematical calculations on data fields with multiple operation modes and precision control",
                         whenToUse: "When you need to calculate totals, apply formulas, perform aggregations, or transform numeric data in workflows",
                         expectedEdges: ["success", "error"],
                         exampleUsage: #"{"math-ops-1": {"operation": "multiply", "mode": "multiple_fields", "field1": "quantity", "field2": "price", "outputField": "subtotal", "precision": 2, "success?": "next-node"}}"#,
                         exampleConfig: #"{"operation": "add|subtract|multiply|divide|power|sqrt|round|ceil|floor|abs|min|max|sum|average|modulo", "mode": "single_field|multiple_fields|aggregate", "field1?": "string", "field2?": "string", "value?": "number", "fields?": "[string, ...]", "outputField": "string", "precision?": "number"}"#,
                         postToState: ["mathOperationsResult"]),
        config: [
            NodeConfigField("operation", .string, required: true, description: "the operation; which ones apply depends on mode"),
            NodeConfigField("mode", .string, default: "multiple_fields", description: "multiple_fields, single_field or aggregate"),
            NodeConfigField("field1", .string, description: "dotted state path of the first operand"),
            NodeConfigField("field2", .string, description: "dotted state path of the second operand"),
            NodeConfigField("value", .number, description: "second operand when there is no field2"),
            NodeConfigField("fields", .array, description: "dotted state paths to aggregate"),
            NodeConfigField("outputField", .string, default: "result", description: "state key that receives the result"),
            NodeConfigField("precision", .number, description: "decimal places to round to"),
        ],
        category: "dataManipulation")

    private static let operations: ScriptValue = "add|subtract|multiply|divide|power|sqrt|round|ceil|floor|abs|min|max|sum|average|modulo"
    private static let modes: ScriptValue = "single_field|multiple_fields|aggregate"

    public func execute(_ context: inout NodeContext, config: ScriptObject) async throws -> [NodeEdge] {
        let operation = config["operation"]
        let mode = config["mode"].isUndefined ? "multiple_fields" : config["mode"]
        let outputField = config["outputField"].isUndefined ? "result" : config["outputField"]
        let precision = config["precision"]
        let nodeId = ScriptValue.string(context.nodeId)
        guard operation.isTruthy else { return [NodeEdge("error", ["error": "Missing operation parameter", "expected": MathOperationsNode.operations, "nodeId": nodeId])] }
        guard mode.isTruthy else { return [NodeEdge("error", ["error": "Missing mode parameter", "expected": MathOperationsNode.modes, "nodeId": nodeId])] }
        guard outputField.isTruthy else { return [NodeEdge("error", ["error": "Missing outputField parameter", "nodeId": nodeId])] }
        let state = ScriptValue.object(context.state)
        let name = operation.jsString
        var result: ScriptValue
        do throws(NodeFailure) {
            switch mode {
            case "single_field":
                result = .number(try unary(name, try operand(state, config["field1"], mode: "single_field")))
            case "multiple_fields":
                let first = try operand(state, config["field1"], mode: "multiple_fields")
                let second: ScriptValue
                if config["field2"].isTruthy {
                    second = .number(try number(state, config["field2"]))
                } else if !config["value"].isUndefined {
                    second = config["value"]
                } else {
                    throw NodeFailure("Either field2 or value parameter is required for multiple_fields mode")
                }
                result = try binary(name, first, second)
            case "aggregate":
                guard case .array(let fields) = config["fields"], !fields.isEmpty else {
                    throw NodeFailure("fields parameter is required for aggregate mode and must be a non-empty array")
                }
                var values: [Double] = []
                for field in fields {
                    // Upstream's path lookup answers undefined for a falsy path.
                    let value = field.isTruthy ? FieldPaths.get(state, try FieldPaths.segments(field)) : .undefined
                    if value.isNullish { continue }
                    let n = value.jsNumber
                    if n.isNaN { throw NodeFailure("Field \"\(field.jsString)\" value is not a valid number: \(value.jsString)") }
                    values.append(n)
                }
                if values.isEmpty { throw NodeFailure("No valid numeric values found in specified fields") }
                result = .number(try fold(name, values))
            default:
                return [NodeEdge("error", ["error": .string("Invalid mode: \(mode.jsString)"), "expected": MathOperationsNode.modes, "received": mode, "nodeId": nodeId])]
            }
        } catch {
            return [NodeEdge("error", ["error": .string(error.message), "nodeId": nodeId, "operation": operation, "mode": mode, "details": error.details])]
        }
        if case .number(let places) = precision, places >= 0 {
            let scale = MathOperationsNode.power(10, places)
            result = .number(MathOperationsNode.round(result.jsNumber * scale) / scale)
        }
        context.state[outputField.jsString] = result
        context.state["mathOperationsResult"] = [
            "operation": operation, "mode": mode, "result": result, "outputField": outputField, "timestamp": .string(ISOTime.now()),
        ]
        return [NodeEdge("success", ["result": result, "outputField": outputField, "operation": operation, "mode": mode])]
    }

    /// `field1`, required, read and converted with upstream's messages.
    private func operand(_ state: ScriptValue, _ field: ScriptValue, mode: String) throws(NodeFailure) -> Double {
        guard field.isTruthy else { throw NodeFailure("field1 parameter is required for \(mode) mode") }
        return try number(state, field)
    }

    private func number(_ state: ScriptValue, _ field: ScriptValue) throws(NodeFailure) -> Double {
        let value = FieldPaths.get(state, try FieldPaths.segments(field))
        if value.isNullish { throw NodeFailure("Field \"\(field.jsString)\" not found in state or has null/undefined value") }
        let n = value.jsNumber
        if n.isNaN { throw NodeFailure("Field \"\(field.jsString)\" value is not a valid number: \(value.jsString)") }
        return n
    }

    private func unary(_ operation: String, _ n: Double) throws(NodeFailure) -> Double {
        switch operation {
        case "sqrt":
            if n < 0 { throw NodeFailure("Cannot calculate square root of negative number") }
            return n.squareRoot()
        case "round": return MathOperationsNode.round(n)
        case "ceil": return n.rounded(.up)
        case "floor": return n.rounded(.down)
        case "abs": return abs(n)
        default: throw NodeFailure("Operation \"\(operation)\" is not supported in single_field mode. Use sqrt, round, ceil, floor, or abs.")
        }
    }

    /// JavaScript's operators on a number and `value` as given (`+` concatenates text).
    private func binary(_ operation: String, _ a: Double, _ b: ScriptValue) throws(NodeFailure) -> ScriptValue {
        let x = b.jsNumber
        switch operation {
        case "add": return ScriptOperators.add(.number(a), b)
        case "subtract": return .number(a - x)
        case "multiply": return .number(a * x)
        case "divide":
            if b.strictlyEquals(0) { throw NodeFailure("Division by zero is not allowed") }
            return .number(a / x)
        case "power": return .number(MathOperationsNode.power(a, x))
        case "modulo":
            if b.strictlyEquals(0) { throw NodeFailure("Modulo by zero is not allowed") }
            return .number(a.truncatingRemainder(dividingBy: x))
        default: throw NodeFailure("Operation \"\(operation)\" is not supported in multiple_fields mode. Use add, subtract, multiply, divide, power, or modulo.")
        }
    }

    private func fold(_ operation: String, _ values: [Double]) throws(NodeFailure) -> Double {
        switch operation {
        case "sum", "add": return values.reduce(0, +)
        case "average": return values.reduce(0, +) / Double(values.count)
        case "min": return values.min()!
        case "max": return values.max()!
        case "multiply": return values.reduce(1, *)
        default: throw NodeFailure("Operation \"\(operation)\" is not supported in aggregate mode. Use sum, add, average, min, max, or multiply.")
        }
    }

    /// `Math.round`: halves go up (towards +∞).
    static func round(_ x: Double) -> Double {
        guard x.isFinite else { return x }
        let floor = x.rounded(.down)
        let rounded = x - floor >= 0.5 ? floor + 1 : floor
        // Keeps the sign of zero as JavaScript does for -0.5 < x < 0.
        return rounded == 0 && x < 0 ? -0.0 : rounded
    }

    /// `Math.pow`, which differs from C's `pow` for a NaN exponent and for ±1 to ±∞.
    static func power(_ base: Double, _ exponent: Double) -> Double {
        if exponent.isNaN { return .nan }
        if exponent.isInfinite && abs(base) == 1 { return .nan }
        return Foundation.pow(base, exponent)
    }
}
