/// The rules of ``SwitchNode``: the first rule whose conditions hold names the edge.
/// Conditions combine left to right, each joined to the next by its own `combineWith`
/// (`AND` by default); an AND chain stops at the first false result.
enum SwitchConditions {
    /// The matching rule, if any.
    static func firstMatch(_ rules: ScriptValue, item: ScriptValue) throws(ScriptFailure) -> ScriptValue? {
        for rule in try iterate(rules) {
            if rule.isNullish { throw ScriptFailure.notAnObject(rule, evaluating: "rule.outputKey") }
            let conditions = ScriptAccess.get(rule, "conditions")
            guard ScriptAccess.get(rule, "outputKey").isTruthy, conditions.isTruthy,
                  !ScriptAccess.get(conditions, "length").strictlyEquals(0) else { continue }
            if try holds(conditions, item: item) { return rule }
        }
        return nil
    }

    /// `for (const x of value)`: arrays by element, strings by code unit.
    static func iterate(_ value: ScriptValue) throws(ScriptFailure) -> [ScriptValue] {
        switch value {
        case .array(let items): return items
        case .string(let text): return text.utf16.map { .string(String(utf16CodeUnits: [$0], count: 1)) }
        case .undefined, .null: throw ScriptFailure("\(value.jsString) is not an object", name: "TypeError")
        case .number: throw ScriptFailure("number is not iterable", name: "TypeError")
        case .bool(let flag): throw ScriptFailure("\(flag) is not iterable", name: "TypeError")
        case .object: throw ScriptFailure("{} is not iterable", name: "TypeError")
        }
    }

    /// `conditions.length` and `conditions[i]` on whatever `conditions` is.
    static func holds(_ conditions: ScriptValue, item: ScriptValue) throws(ScriptFailure) -> Bool {
        let length = ScriptAccess.get(conditions, "length")
        var result = true
        var combineWithAnd = true
        var index = 0
        while ScriptOperators.less(.number(Double(index)), length) {
            let condition = ScriptAccess.get(conditions, String(index))
            let outcome = try single(condition, item: item)
            if index == 0 { result = outcome } else if combineWithAnd { result = result && outcome } else { result = result || outcome }
            let joiner = ScriptAccess.get(condition, "combineWith")
            // Anything but "AND" (even a typo) joins the next condition with OR.
            combineWithAnd = joiner.isTruthy ? joiner.strictlyEquals("AND") : true
            if combineWithAnd && !result { return false }
            index += 1
        }
        return result
    }

    static func single(_ condition: ScriptValue, item: ScriptValue) throws(ScriptFailure) -> Bool {
        if condition.isNullish { throw ScriptFailure.destructuring("field") }
        let field = ScriptAccess.get(condition, "field")
        let dataType = ScriptAccess.get(condition, "dataType").isUndefined ? ScriptValue.string("string") : ScriptAccess.get(condition, "dataType")
        let operation = ScriptAccess.get(condition, "operation").stringValue ?? ""
        let value = ScriptAccess.get(condition, "value"), value2 = ScriptAccess.get(condition, "value2")
        let fieldValue = try nested(item, field)
        switch dataType.stringValue {
        case "string": return string(fieldValue, operation, value)
        case "number": return number(fieldValue, operation, value, value2)
        case "boolean":
            switch operation {
            case "true": return fieldValue.isTruthy
            case "false": return !fieldValue.isTruthy
            case "equals": return fieldValue.isTruthy == value.isTruthy
            default: return false
            }
        case "date": return date(fieldValue, operation, value, value2)
        case "array":
            guard case .array(let items) = fieldValue else { return false }
            switch operation {
            case "contains": return items.contains { ExpressionOperations.sameValueZero($0, value) }
            case "notContains": return !items.contains { ExpressionOperations.sameValueZero($0, value) }
            case "isEmpty": return items.isEmpty
            case "isNotEmpty": return !items.isEmpty
            case "lengthEquals": return Double(items.count) == value.jsNumber
            case "lengthGt": return Double(items.count) > value.jsNumber
            case "lengthLt": return Double(items.count) < value.jsNumber
            default: return false
            }
        case "object":
            guard fieldValue.typeOf == "object", !fieldValue.isNullish else { return false }
            let count = fieldValue.objectValue?.count ?? fieldValue.arrayValue?.count ?? 0
            switch operation {
            case "isEmpty": return count == 0
            case "isNotEmpty": return count > 0
            case "hasProperty": return ScriptAccess.has(fieldValue, value.jsString)
            case "notHasProperty": return !ScriptAccess.has(fieldValue, value.jsString)
            default: return false
            }
        default: return false
        }
    }

    /// An empty `field` is the whole item; otherwise a dotted path through objects and arrays.
    static func nested(_ item: ScriptValue, _ path: ScriptValue) throws(ScriptFailure) -> ScriptValue {
        guard path.isTruthy else { return item }
        return try DataValidations.nested(item, path)
    }

    static func string(_ fieldValue: ScriptValue, _ operation: String, _ value: ScriptValue) -> Bool {
        let a = fieldValue.isNullish ? "" : fieldValue.jsString, b = value.isNullish ? "" : value.jsString
        let x = Array(a.utf16), y = Array(b.utf16)
        switch operation {
        case "equals": return x == y
        case "notEquals": return x != y
        case "contains": return ExpressionOperations.find(y, in: x, from: 0)
        case "notContains": return !ExpressionOperations.find(y, in: x, from: 0)
        case "startsWith": return x.starts(with: y)
        case "endsWith": return x.reversed().starts(with: y.reversed())
        case "regex": return (try? JSRegex(b))?.test(a) ?? false
        case "isEmpty": return x.isEmpty
        case "isNotEmpty": return !x.isEmpty
        default: return false
        }
    }

    static func number(_ fieldValue: ScriptValue, _ operation: String, _ value: ScriptValue, _ value2: ScriptValue) -> Bool {
        let a = fieldValue.jsNumber, b = value.jsNumber
        if a.isNaN || b.isNaN { return false }
        switch operation {
        case "equals": return a == b
        case "notEquals": return a != b
        case "gt": return a > b
        case "gte": return a >= b
        case "lt": return a < b
        case "lte": return a <= b
        case "between":
            guard !value2.isUndefined, !value2.jsNumber.isNaN else { return false }
            return a >= b && a <= value2.jsNumber
        default: return false
        }
    }

    /// `new Date(value)` for any value.
    static func time(_ value: ScriptValue) -> Double {
        switch value {
        case .string(let text): return DateTextParser.parse(text)
        case .array, .object: return DateTextParser.parse(value.jsString)
        case .number(let n): return DateCalendar.clip(n)
        default: return DateCalendar.clip(value.jsNumber)
        }
    }

    static func date(_ fieldValue: ScriptValue, _ operation: String, _ value: ScriptValue, _ value2: ScriptValue) -> Bool {
        let a = time(fieldValue), b = time(value)
        if a.isNaN || b.isNaN { return false }
        switch operation {
        case "before": return a < b
        case "after": return a > b
        case "equals": return a == b
        case "between":
            guard value2.isTruthy else { return false }
            let c = time(value2)
            return !c.isNaN && a >= b && a <= c
        default: return false
        }
    }
}
