/// `calculateField`: for each of `calculations` (`{outputField, formula, precision?}`), replaces
/// `{name}` in the formula with the number under that top-level state key (earlier outputs
/// included), evaluates the arithmetic (see ``CalculationFormula``) and rounds to `precision`
/// decimals. Writes every output field at the top level, `calculationResult` (upstream's copy of
/// the whole state plus the outputs), `calculatedFields` and, on errors, `calculationErrors`.
/// `onError` (`stop`) decides what a failing calculation does: `stop` takes `error`, `skip`
/// goes on, `use_default` stores `defaultValue` (`null`). Formulas are computed, never run.
public struct CalculateFieldNode: WorkflowNode {
    public init() {}
    public let metadata = NodeMetadata(
        id: "calculateField", name: "Calculate Field",
        description: "Universal node - calculate new field values using mathematical expressions with field references",
        inputs: ["calculations", "onError", "defaultValue"], outputs: ["result", "calculatedFields", "errors"],
        hints: NodeHints(purpose: "Calculate new field values using mathematical expressions with field references",
                         whenToUse: "When you need to compute derived fields from existing data using formulas (e.g., profit = revenue - costs)",
                         expectedEdges: ["success", "error"],
                         exampleUsage: #"{"calculateField": {"calculations": [{"outputField": "profit", "formula": "{revenue} - {costs}"}, {"outputField": "margin", "formula": "({profit} / {revenue}) * 100", "precision": 2}], "onError": "skip", "success?": "next-node"}}"#,
                         exampleConfig: #"{"calculations": "[{outputField: string, formula: string, precision?: number}, ...]", "onError?": "stop|skip|use_default", "defaultValue?": "any"}"#,
                         postToState: ["calculationResult", "calculatedFields", "calculationErrors"]),
        config: [
            NodeConfigField("calculations", .array, required: true, description: "[{outputField, formula, precision?}]; formulas use {stateKey}, + - * / % **, parentheses and Math.sqrt|abs|round|ceil|floor|min|max|pow"),
            NodeConfigField("onError", .string, default: "stop", description: "stop, skip or use_default"),
            NodeConfigField("defaultValue", default: .null, description: "the value of a failed calculation with use_default"),
        ],
        category: "dataManipulation")

    public func execute(_ context: inout NodeContext, config: ScriptObject) async throws -> [NodeEdge] {
        let calculations = config["calculations"]
        let onError = config["onError"].isUndefined ? ScriptValue.string("stop") : config["onError"]
        let defaultValue = config["defaultValue"].isUndefined ? ScriptValue.null : config["defaultValue"]
        let nodeId = ScriptValue.string(context.nodeId)
        guard case .array(let list) = calculations, !list.isEmpty else {
            return [NodeEdge("error", ["error": "Missing or invalid calculations parameter", "expected": "non-empty array of calculation objects",
                                       "received": .string(calculations.typeOf), "nodeId": nodeId])]
        }
        if onError.isTruthy, !["stop", "skip", "use_default"].contains(where: { onError.strictlyEquals(.string($0)) }) {
            return [NodeEdge("error", ["error": "Invalid onError parameter", "expected": #""stop", "skip", or "use_default""#, "received": onError, "nodeId": nodeId])]
        }
        let stops = onError.strictlyEquals("stop")
        var result = context.state
        var calculated = ScriptObject()
        var errors: [ScriptValue] = []
        for calculation in list {
            if calculation.isNullish {
                return [NodeEdge("error", ["error": .string(ScriptFailure.destructuring("outputField").message), "nodeId": nodeId])]
            }
            let outputField = ScriptAccess.get(calculation, "outputField"), formula = ScriptAccess.get(calculation, "formula")
            let precision = ScriptAccess.get(calculation, "precision")
            guard case .string(let output) = outputField, !output.isEmpty else {
                if stops {
                    return [NodeEdge("error", ["error": "Invalid outputField in calculation", "expected": "non-empty string",
                                               "received": .string(outputField.typeOf), "nodeId": nodeId])]
                }
                errors.append(["field": outputField.isTruthy ? outputField : "unknown", "error": "Invalid outputField"])
                continue
            }
            guard case .string(let text) = formula, !text.isEmpty else {
                if stops {
                    return [NodeEdge("error", ["error": .string("Invalid formula for field \"\(output)\""), "expected": "non-empty string",
                                               "received": .string(formula.typeOf), "nodeId": nodeId])]
                }
                errors.append(["field": outputField, "error": "Invalid formula"])
                continue
            }
            do throws(ScriptFailure) {
                var value = try CalculationFormula.evaluate(try CalculateFieldNode.substitute(text, from: result))
                if !precision.isUndefined { value = try CalculateFieldNode.round(value, to: precision) }
                result[output] = .number(value)
                calculated[output] = .number(value)
            } catch {
                if stops {
                    return [NodeEdge("error", ["error": .string("Calculation error for field \"\(output)\": \(error.message)"), "formula": formula, "nodeId": nodeId])]
                }
                if onError.strictlyEquals("use_default") {
                    result[output] = defaultValue
                    calculated[output] = defaultValue
                }
                errors.append(["field": outputField, "error": .string(error.message)])
            }
        }
        context.state.merge(result)
        context.state["calculationResult"] = .object(result)
        context.state["calculatedFields"] = .object(calculated)
        if !errors.isEmpty { context.state["calculationErrors"] = .array(errors) }
        return [NodeEdge("success", ["result": .object(result), "calculatedFields": .object(calculated),
                                     "errors": errors.isEmpty ? .undefined : .array(errors), "totalCalculations": .number(Double(list.count)),
                                     "successfulCalculations": .number(Double(calculated.count)), "failedCalculations": .number(Double(errors.count))])]
    }

    /// `{name}` → `String(state[name.trim()])`, which must be a number.
    static func substitute(_ formula: String, from data: ScriptObject) throws(ScriptFailure) -> String {
        let units = Array(formula.utf16)
        var out: [UInt16] = [], i = 0
        while i < units.count {
            if units[i] == 0x7B, let close = units[(i + 1)...].firstIndex(of: 0x7D), close > i + 1 {
                let name = String(utf16CodeUnits: Array(units[(i + 1)..<close]), count: close - i - 1).trimmingJSWhitespace()
                guard data.contains(name) else { throw ScriptFailure("Field \"\(name)\" not found in data") }
                let value = data[name]
                guard case .number(let number) = value else {
                    throw ScriptFailure("Field \"\(name)\" is not a number (value: \(value.jsString), type: \(value.typeOf))")
                }
                out.append(contentsOf: Array(ScriptNumber.format(number).utf16))
                i = close + 1
            } else {
                out.append(units[i])
                i += 1
            }
        }
        return String(utf16CodeUnits: out, count: out.count)
    }

    static func round(_ value: Double, to precision: ScriptValue) throws(ScriptFailure) -> Double {
        guard case .number(let p) = precision, p >= 0, p == p.rounded(), p.isFinite else {
            throw ScriptFailure("Precision must be a non-negative integer")
        }
        let multiplier = FormulaNode.power(10, p)
        return FormulaNode.jsRound(value * multiplier) / multiplier
    }
}
