/// The checks of ``ValidateDataNode``, each giving upstream's error entries
/// (`{field, error, value}`) in upstream's order and words.
enum DataValidations {
    struct JSONProblem: Error { let message: String }

    /// An object or array passes as it is; a string must parse to one.
    static func json(_ data: ScriptValue) -> Result<ScriptValue, JSONProblem> {
        switch data {
        case .object, .array: return .success(data)
        case .string(let text):
            if let message = JSONParseMessages.message(for: text) { return .failure(JSONProblem(message: message)) }
            guard let parsed = try? ScriptJSON.parse(text) else { return .failure(JSONProblem(message: "JSON Parse error: Unable to parse JSON string")) }
            switch parsed {
            case .object, .array: return .success(parsed)
            default: return .failure(JSONProblem(message: "JSON parsed to primitive value (\(parsed.typeOf)), expected object or array"))
            }
        default: return .failure(JSONProblem(message: "Expected string for JSON validation, got \(data.typeOf)"))
        }
    }

    static func entry(_ field: ScriptValue, _ error: ScriptValue, _ value: ScriptValue = .undefined) -> ScriptValue {
        ["field": field, "error": error, "value": value]
    }

    static func schema(_ data: ScriptValue, _ schema: ScriptValue) -> [ScriptValue] {
        guard schema.isTruthy else { return [["field": "__schema__", "error": "JSON Schema is required for json_schema validation"]] }
        var errors: [ScriptValue] = []
        let type = ScriptAccess.get(schema, "type")
        if type.isTruthy, !ExpressionOperations.strictlyEqual(.string(data.typeOf), type) {
            errors.append(entry("__root__", .string("Expected type \(type.jsString), got \(data.typeOf)"), data))
        }
        if case .array(let required) = ScriptAccess.get(schema, "required") {
            for field in required where !ScriptAccess.has(data, field.jsString) {
                errors.append(entry(field, "Required field is missing"))
            }
        }
        let properties = ScriptAccess.get(schema, "properties")
        if properties.isTruthy {
            let entries: [(String, ScriptValue)]
            switch properties {
            case .object(let object): entries = Array(object)
            case .array(let items): entries = items.enumerated().map { (String($0.offset), $0.element) }
            default: entries = []
            }
            for (key, property) in entries where ScriptAccess.has(data, key) && property.typeOf == "object" && !property.isNullish {
                let expected = ScriptAccess.get(property, "type")
                let value = ScriptAccess.get(data, key)
                if expected.isTruthy, !ExpressionOperations.strictlyEqual(.string(value.typeOf), expected) {
                    errors.append(entry(.string(key), .string("Expected type \(expected.jsString), got \(value.typeOf)"), value))
                }
            }
        }
        return errors
    }

    /// Upstream's `getNestedValue`: a dotted path through objects and arrays only.
    static func nested(_ data: ScriptValue, _ path: ScriptValue) throws(ScriptFailure) -> ScriptValue {
        var current = data
        for key in try ScriptFailure.splitPath(path) {
            guard !current.isNullish, current.typeOf == "object" else { return .undefined }
            current = ScriptAccess.get(current, key)
        }
        return current
    }

    /// `rule.key` of a list element, with the TypeError of `null.key`.
    static func member(_ rule: ScriptValue, _ key: String, of name: String) throws(ScriptFailure) -> ScriptValue {
        if rule.isNullish { throw ScriptFailure.notAnObject(rule, evaluating: "\(name).\(key)") }
        return ScriptAccess.get(rule, key)
    }

    static func actualType(_ value: ScriptValue) -> String {
        switch value {
        case .null: "null"
        case .array: "array"
        default: value.typeOf
        }
    }

    static func types(_ data: ScriptValue, _ checks: [ScriptValue]) throws(ScriptFailure) -> [ScriptValue] {
        var errors: [ScriptValue] = []
        for check in checks {
            let field = try member(check, "field", of: "check")
            let value = try nested(data, field)
            let actual = actualType(value)
            let expected = ScriptAccess.get(check, "expectedType")
            if !ExpressionOperations.strictlyEqual(.string(actual), expected) {
                errors.append(entry(field, .string("Expected type \(expected.jsString), got \(actual)"), value))
            }
        }
        return errors
    }

    static func required(_ data: ScriptValue, _ fields: [ScriptValue]) throws(ScriptFailure) -> [ScriptValue] {
        var errors: [ScriptValue] = []
        for field in fields {
            let value = try nested(data, field)
            if value.isNullish || value == "" { errors.append(entry(field, "Required field is missing or empty", value)) }
        }
        return errors
    }

    static func ranges(_ data: ScriptValue, _ ranges: [ScriptValue]) throws(ScriptFailure) -> [ScriptValue] {
        var errors: [ScriptValue] = []
        for range in ranges {
            let field = try member(range, "field", of: "validation")
            let value = try nested(data, field)
            guard case .number = value else {
                errors.append(entry(field, .string("Field must be a number for range validation, got \(value.typeOf)"), value))
                continue
            }
            let min = ScriptAccess.get(range, "min"), max = ScriptAccess.get(range, "max")
            if !min.isUndefined, ScriptOperators.less(value, min) {
                errors.append(entry(field, .string("Value \(value.jsString) is below minimum \(min.jsString)"), value))
            }
            if !max.isUndefined, ScriptOperators.greater(value, max) {
                errors.append(entry(field, .string("Value \(value.jsString) is above maximum \(max.jsString)"), value))
            }
        }
        return errors
    }

    static func patterns(_ data: ScriptValue, _ patterns: [ScriptValue]) throws(ScriptFailure) -> [ScriptValue] {
        var errors: [ScriptValue] = []
        for validation in patterns {
            let field = try member(validation, "field", of: "validation")
            let value = try nested(data, field)
            let message = ScriptAccess.get(validation, "errorMessage")
            if value.isNullish {
                errors.append(entry(field, message.isTruthy ? message : "Field value is missing for pattern validation", value))
                continue
            }
            let pattern = ScriptAccess.get(validation, "pattern")
            guard let regex = try? JSRegex(pattern.isUndefined ? "" : pattern.jsString) else {
                errors.append(entry(field, .string("Invalid regex pattern: \(pattern.jsString)"), value))
                continue
            }
            if !regex.test(value.jsString) {
                errors.append(entry(field, message.isTruthy ? message : .string("Value does not match pattern: \(pattern.jsString)"), value))
            }
        }
        return errors
    }

    /// The validator's answer: `false`, an array of entries, or `{valid: false, error?, value?}`
    /// means invalid; a run-time error is an entry with its message.
    static func custom(_ data: ScriptValue, _ validator: WorkflowExpression, state: ScriptObject) -> [ScriptValue] {
        let result: ScriptValue
        do throws(ScriptFailure) {
            result = try validator.evaluate(data, state: state)
        } catch {
            return [["field": "__custom__", "error": .string(error.message)]]
        }
        switch result {
        case .bool(false): return [["field": "__custom__", "error": "Custom validation failed"]]
        case .array(let entries): return entries
        case .object(let object) where object["valid"] == false:
            let error = object["error"]
            return [entry("__custom__", error.isTruthy ? error : "Custom validation failed", object["value"])]
        default: return []
        }
    }
}
