/// The small expression language of `switch` (`mode: "expression"`) and `validateData`
/// (`validationType: "custom"`), where upstream runs the text as JavaScript
/// (`new Function`). Here nothing is executed: the text is parsed into this language and
/// evaluated with JavaScript's semantics for what it contains.
///
/// The language: literals (numbers, strings in single or double quotes, `true`, `false`,
/// `null`, `undefined`, `NaN`, `Infinity`); the node's variable (`item` for `switch`, `data`
/// for `validateData`) with member access (`item.age`, `data.user.name`, `item["key"]`,
/// `item.tags.length`); `$.path` for the state; `==` `!=` `===` `!==` `<` `<=` `>` `>=`;
/// `+` `-` `*` `/` `%`; `&&` `||` `!`; `a ? b : c`; parentheses; `typeof x`; and the methods
/// `.includes()`, `.startsWith()`, `.endsWith()`, `.toLowerCase()`, `.toUpperCase()`,
/// `.trim()` on strings and `.includes()` on arrays. A `validateData` validator is a function
/// body: `return <expression>;` statements and expression statements.
///
/// Anything else that JavaScript accepts (assignments, other calls, globals such as `Math`,
/// `new`, functions, object or array literals, ...) is refused: ``check(_:)`` reports it when
/// a workflow is validated, and at run time the node takes its `error` edge. Syntax errors and
/// run-time errors (a member of `undefined`, an undeclared name) behave as in JavaScript, with
/// JavaScriptCore's wording, since upstream reports them at run time too.
public struct WorkflowExpression: Sendable {
    let statements: [ExpressionStatement]
    let variable: String

    /// A `switch` expression: nil when it is inside the language (or is only a syntax error,
    /// which upstream reports at run time), otherwise what is outside it.
    public static func check(_ source: String) -> String? {
        if case .failure(.unsupported(let message)) = Result(catching: { () throws(ExpressionProblem) in try switchExpression(source) }) { return message }
        return nil
    }

    /// A `validateData` custom validator (a function body of `data`), as ``check(_:)``.
    public static func checkValidator(_ body: String) -> String? {
        if case .failure(.unsupported(let message)) = Result(catching: { () throws(ExpressionProblem) in try validator(body) }) { return message }
        return nil
    }

    /// Upstream builds `function (item) { return <expression> }`.
    static func switchExpression(_ source: String) throws(ExpressionProblem) -> WorkflowExpression {
        var parser = try ExpressionParser("return " + source)
        return WorkflowExpression(statements: try parser.body(), variable: "item")
    }

    /// Upstream builds `function (data) { <body> }`.
    static func validator(_ body: String) throws(ExpressionProblem) -> WorkflowExpression {
        var parser = try ExpressionParser(body)
        return WorkflowExpression(statements: try parser.body(), variable: "data")
    }

    /// Runs the body with the variable bound to `value`: the first `return`'s value, else
    /// `undefined`.
    func evaluate(_ value: ScriptValue, state: ScriptObject) throws(ScriptFailure) -> ScriptValue {
        let scope = ExpressionScope(variable: variable, value: value, state: .object(state))
        for statement in statements {
            switch statement {
            case .expression(let node): _ = try scope.evaluate(node)
            case .return(let node): return try node.map { node throws(ScriptFailure) in try scope.evaluate(node) } ?? .undefined
            }
        }
        return .undefined
    }
}

/// Evaluation of ``ExpressionNode``s with JavaScript's semantics.
struct ExpressionScope {
    let variable: String
    let value: ScriptValue
    let state: ScriptValue

    func evaluate(_ node: ExpressionNode) throws(ScriptFailure) -> ScriptValue {
        switch node {
        case .literal(let value): return value
        case .name(let name):
            if name == variable { return value }
            if name == "$" { return state }
            throw ScriptFailure("\(name) is not defined", name: "ReferenceError")
        case .member(let objectNode, let key, let text):
            let object = try evaluate(objectNode)
            let name: String
            switch key {
            case .fixed(let fixed): name = fixed
            case .computed(let keyNode): name = try evaluate(keyNode).jsString
            }
            if object.isNullish { throw ScriptFailure.notAnObject(object, evaluating: text) }
            return ScriptAccess.get(object, name)
        case .call(let receiverNode, let method, let argumentNodes, let callee, let text):
            let receiver = try evaluate(receiverNode)
            if receiver.isNullish { throw ScriptFailure.notAnObject(receiver, evaluating: callee) }
            var arguments: [ScriptValue] = []
            for argument in argumentNodes { arguments.append(try evaluate(argument)) }
            guard let result = ExpressionOperations.call(method, on: receiver, arguments) else {
                let member = ScriptAccess.get(receiver, method)
                throw ScriptFailure.notAFunction(callee, call: text, value: member.isUndefined ? "undefined" : ExpressionOperations.describe(member))
            }
            return result
        case .unary(let op, let operandNode):
            let operand = try evaluate(operandNode)
            switch op {
            case "!": return .bool(!operand.isTruthy)
            case "-": return .number(-operand.jsNumber)
            default: return .number(operand.jsNumber)
            }
        case .typeOf(let operandNode):
            if case .name(let name) = operandNode, name != variable, name != "$" { return "undefined" }
            return .string(try evaluate(operandNode).typeOf)
        case .binary(let op, let leftNode, let rightNode):
            let left = try evaluate(leftNode)
            if op == "&&" { return left.isTruthy ? try evaluate(rightNode) : left }
            if op == "||" { return left.isTruthy ? left : try evaluate(rightNode) }
            return ExpressionOperations.binary(op, left, try evaluate(rightNode))
        case .conditional(let test, let yes, let no):
            return try evaluate(test).isTruthy ? try evaluate(yes) : try evaluate(no)
        }
    }
}
