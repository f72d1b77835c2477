/// One `filter` condition, `{field, dataType, operation, value, value2}`, tested against an
/// item as upstream tests it: text operations on `String(value ?? '')`, number operations on
/// `Number()` (false for `null`, missing or `NaN` values, before the operation is looked at),
/// booleans strictly, dates through `new Date()`, array membership with `===`.
enum FilterCondition {
    static func evaluate(_ item: ScriptValue, _ condition: ScriptValue) throws(CaughtScriptError) -> Bool {
        if condition.isNullish { throw .destructuring("field") }
        let field = ScriptAccess.get(condition, "field"), dataType = ScriptAccess.get(condition, "dataType")
        // Upstream switches with `===` on string cases, so a non-string operation matches none.
        let rawOperation = ScriptAccess.get(condition, "operation")
        let operation = rawOperation.stringValue ?? "\u{0}" + rawOperation.jsString
        let value = ScriptAccess.get(condition, "value"), value2 = ScriptAccess.get(condition, "value2")
        let fieldValue: ScriptValue = field.isTruthy ? try ItemAccess.nested(item, path: field) : .undefined
        switch dataType.stringValue {
        case "string": return try text(fieldValue, operation, value)
        case "number": return try number(fieldValue, operation, value, value2)
        case "boolean":
            switch operation {
            case "true": return fieldValue == .bool(true)
            case "false": return fieldValue == .bool(false)
            default: throw .error("Unsupported boolean operation: \(shown(operation))")
            }
        case "date": return try date(fieldValue, operation, value, value2)
        case "array": return try array(fieldValue, operation, value)
        case "object": return try object(fieldValue, operation)
        default: throw .error("Unsupported data type: \(dataType.jsString)")
        }
    }

    static func text(_ fieldValue: ScriptValue, _ operation: String, _ value: ScriptValue) throws(CaughtScriptError) -> Bool {
        let text = fieldValue.isNullish ? "" : try ItemAccess.text(fieldValue)
        let other = value.isNullish ? "" : try ItemAccess.text(value)
        switch operation {
        case "equals": return UnitText.equal(text, other)
        case "notEquals": return !UnitText.equal(text, other)
        case "contains": return UnitText.contains(text, other)
        case "notContains": return !UnitText.contains(text, other)
        case "startsWith": return UnitText.hasPrefix(text, other)
        case "endsWith": return UnitText.hasSuffix(text, other)
        case "regex": return (try? JSRegex(other))?.test(text) ?? false
        case "isEmpty": return text.isEmpty || fieldValue.isNullish
        case "isNotEmpty": return !text.isEmpty && !fieldValue.isNullish
        default: throw .error("Unsupported string operation: \(shown(operation))")
        }
    }

    static func number(_ fieldValue: ScriptValue, _ operation: String, _ value: ScriptValue, _ value2: ScriptValue) throws(CaughtScriptError) -> Bool {
        if fieldValue.isNullish { return false }
        let number = try ItemAccess.number(fieldValue), other = try ItemAccess.number(value)
        if number.isNaN || other.isNaN { return false }
        switch operation {
        case "equals": return number == other
        case "notEquals": return number != other
        case "gt": return number > other
        case "gte": return number >= other
        case "lt": return number < other
        case "lte": return number <= other
        case "between":
            if value2.isUndefined { throw .error("Between operation requires value2 parameter") }
            let upper = try ItemAccess.number(value2)
            if upper.isNaN { return false }
            return number >= other && number <= upper
        default: throw .error("Unsupported number operation: \(shown(operation))")
        }
    }

    static func date(_ fieldValue: ScriptValue, _ operation: String, _ value: ScriptValue, _ value2: ScriptValue) throws(CaughtScriptError) -> Bool {
        if fieldValue.isNullish { return false }
        let time = try FilterDates.time(fieldValue), other = try FilterDates.time(value)
        if time.isNaN || other.isNaN { return false }
        switch operation {
        case "before": return time < other
        case "after": return time > other
        case "equals": return time == other
        case "between":
            if value2.isUndefined { throw .error("Between operation requires value2 parameter") }
            let upper = try FilterDates.time(value2)
            if upper.isNaN { return false }
            return time >= other && time <= upper
        default: throw .error("Unsupported date operation: \(shown(operation))")
        }
    }

    static func array(_ fieldValue: ScriptValue, _ operation: String, _ value: ScriptValue) throws(CaughtScriptError) -> Bool {
        guard case .array(let elements) = fieldValue else { return false }
        switch operation {
        case "contains": return elements.contains { ItemAccess.sameValueZero($0, value) }
        case "notContains": return !elements.contains { ItemAccess.sameValueZero($0, value) }
        case "isEmpty": return elements.isEmpty
        case "isNotEmpty": return !elements.isEmpty
        default: throw .error("Unsupported array operation: \(shown(operation))")
        }
    }

    static func object(_ fieldValue: ScriptValue, _ operation: String) throws(CaughtScriptError) -> Bool {
        switch operation {
        case "isEmpty": return fieldValue.isNullish ? true : fieldValue.typeOf == "object" && ItemAccess.keys(fieldValue).isEmpty
        case "isNotEmpty": return fieldValue.isNullish ? false : fieldValue.typeOf == "object" && !ItemAccess.keys(fieldValue).isEmpty
        default: throw .error("Unsupported object operation: \(shown(operation))")
        }
    }

    /// The operation as upstream's message prints it (without the mark of a non-string).
    static func shown(_ operation: String) -> String {
        operation.hasPrefix("\u{0}") ? String(operation.dropFirst()) : operation
    }
}
