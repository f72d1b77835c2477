/// `validateData`: checks `data` (default: the input `data`) by `validationType`
/// (`required_fields` by default; `json`, `json_schema`, `type_check`, `range`, `pattern`,
/// `custom`) and takes `valid` or `invalid` (with `errors` and `errorCount` unless
/// `outputErrors` is false), writing `validationResult` and, only when there are errors,
/// `validationErrors`. Upstream's quirks are kept: `json_schema` checks only the root `type`
/// (with `typeof`, so `array` never passes), `required` and the properties' `type`;
/// `stopOnError` is ignored; `validationErrors` is never cleared. A `custom` validator is a
/// function body in ``WorkflowExpression``'s language instead of JavaScript: one outside it
/// takes `error`, a syntax error is an `invalid` entry as upstream reports it. Upstream's
/// `details` (a stack trace) keeps only its first line.
public struct ValidateDataNode: WorkflowNode {
    public init() {}
    public let metadata = NodeMetadata(
        id: "validateData", name: "Validate Data", version: "1.1.0",
        description: "Universal node - validate data against schemas, rules, and JSON format",
        inputs: ["validationType", "data", "schema", "typeChecks", "requiredFields", "rangeValidations", "patternValidations", "stopOnError", "outputErrors"],
        outputs: ["data", "isValid", "errors", "parsedJson"],
        hints: NodeHints(purpose: "Validate data against schemas, type checks, required fields, ranges, patterns, and JSON format",
                         whenToUse: "When you need to ensure data quality, conformance to expected structure, or verify JSON validity before processing",
                         expectedEdges: ["valid", "invalid", "error"],
                         exampleUsage: #"{"validateData": {"validationType": "required_fields", "data": "$.dataToValidate", "requiredFields": ["name", "email"], "valid?": "process", "invalid?": "reject"}}"#,
                         exampleConfig: #"{"validationType": "json|type_check|required_fields|range|pattern|json_schema", "data": "any", "requiredFields?": "[string, ...]", "typeChecks?": "[{field, expectedType}, ...]", "outputErrors?": "boolean"}"#,
                         postToState: ["validationResult", "validationErrors", "parsedJson"]),
        config: [
            NodeConfigField("validationType", .string, default: "required_fields", description: "json, json_schema, type_check, required_fields, range, pattern or custom"),
            NodeConfigField("data", description: "what to validate (default: the input data)"),
            NodeConfigField("schema", .object, description: "json_schema: root type, required and properties' type"),
            NodeConfigField("typeChecks", .array, description: "[{field, expectedType: string|number|boolean|array|object|null}]"),
            NodeConfigField("requiredFields", .array, description: "dotted paths that must not be missing, null or empty"),
            NodeConfigField("rangeValidations", .array, description: "[{field, min?, max?}]"),
            NodeConfigField("patternValidations", .array, description: "[{field, pattern, errorMessage?}]"),
            NodeConfigField("customValidator", .string, description: "a function body of data, e.g. return data.age >= 18"),
            NodeConfigField("stopOnError", .boolean, default: true, description: "unused"),
            NodeConfigField("outputErrors", .boolean, default: true, description: "include errors and errorCount in the invalid edge"),
        ],
        category: "dataManipulation")

    public func execute(_ context: inout NodeContext, config: ScriptObject) async throws -> [NodeEdge] {
        let type = config["validationType"].isUndefined ? ScriptValue.string("required_fields") : config["validationType"]
        let data = config["data"].isUndefined ? context.input("data") : config["data"]
        let outputErrors = config["outputErrors"].isUndefined || config["outputErrors"].isTruthy
        let nodeId = ScriptValue.string(context.nodeId)
        func failure(_ message: String) -> [NodeEdge] { [NodeEdge("error", ["error": .string(message), "nodeId": nodeId])] }
        func timestamp() -> ScriptValue { .string(ISOTime.now()) }

        if type.strictlyEquals("json") {
            if data.isNullish { return failure("No data to validate for JSON validation") }
            switch DataValidations.json(data) {
            case .success(let parsed):
                context.state["parsedJson"] = parsed
                context.state["validationResult"] = ["isValid": true, "timestamp": timestamp(), "validationType": "json"]
                return [NodeEdge("valid", ["data": data, "parsedJson": parsed, "isValid": true, "validationType": "json"])]
            case .failure(let problem):
                let entry: ScriptValue = ["field": "__json__", "error": .string(problem.message), "value": data]
                context.state["validationResult"] = ["isValid": false, "timestamp": timestamp(), "validationType": "json"]
                context.state["validationErrors"] = [entry]
                var response: ScriptObject = ["data": data, "isValid": false, "validationType": "json"]
                if outputErrors {
                    response["errors"] = [entry]
                    response["errorCount"] = 1
                }
                return [NodeEdge("invalid", .object(response))]
            }
        }
        guard data.isTruthy, data.typeOf == "object" else { return failure("No data to validate or data is not an object") }

        var errors: [ScriptValue]
        do throws(ScriptFailure) {
            switch type.stringValue ?? "" {
            case "json_schema": errors = DataValidations.schema(data, config["schema"])
            case "type_check":
                guard case .array(let checks) = config["typeChecks"] else { return failure("Type checks array is required for type_check validation") }
                errors = try DataValidations.types(data, checks)
            case "required_fields":
                guard case .array(let fields) = config["requiredFields"] else { return failure("Required fields array is required for required_fields validation") }
                errors = try DataValidations.required(data, fields)
            case "range":
                guard case .array(let ranges) = config["rangeValidations"] else { return failure("Range validations array is required for range validation") }
                errors = try DataValidations.ranges(data, ranges)
            case "pattern":
                guard case .array(let patterns) = config["patternValidations"] else { return failure("Pattern validations array is required for pattern validation") }
                errors = try DataValidations.patterns(data, patterns)
            case "custom":
                guard case .string(let body) = config["customValidator"], !body.isEmpty else {
                    return failure("Custom validator function string is required for custom validation")
                }
                let validator: WorkflowExpression
                do throws(ExpressionProblem) {
                    validator = try WorkflowExpression.validator(body)
                } catch {
                    guard case .unsupported(let message) = error else {
                        errors = [["field": "__custom__", "error": .string(error.message)]]
                        break
                    }
                    return [NodeEdge("error", ["error": .string("Custom validator outside the expression language: \(message)"), "nodeId": nodeId, "validationType": type])]
                }
                errors = DataValidations.custom(data, validator, state: context.state)
            default: return failure("Unknown validation type: \(type.jsString)")
            }
        } catch {
            return [NodeEdge("error", ["error": .string(error.message), "nodeId": nodeId, "validationType": type, "details": .string(error.stackHead)])]
        }

        let isValid = errors.isEmpty
        context.state["validationResult"] = ["isValid": .bool(isValid), "timestamp": timestamp(), "validationType": type,
                                             "itemsValidated": .number(Double(data.arrayValue?.count ?? 1))]
        if !isValid { context.state["validationErrors"] = .array(errors) }
        if isValid { return [NodeEdge("valid", ["data": data, "isValid": true, "validationType": type])] }
        var response: ScriptObject = ["data": data, "isValid": false, "validationType": type]
        if outputErrors {
            response["errors"] = .array(errors)
            response["errorCount"] = .number(Double(errors.count))
        }
        return [NodeEdge("invalid", .object(response))]
    }
}
