/// An exception as upstream's JavaScript throws it inside a node that catches its own errors:
/// the node turns `message` into an `error` edge (or an error entry), so the wording follows
/// what Bun (JavaScriptCore) says for the same mistake.
struct ScriptFailure: Error {
    /// `Error`, `TypeError`, `RangeError`, `SyntaxError` or `ReferenceError`.
    let name: String
    let message: String

    init(_ message: String, name: String = "Error") {
        self.name = name
        self.message = message
    }

    /// What upstream's `error.stack` starts with; the frames after it name upstream's files
    /// and cannot be reproduced.
    var stackHead: String { "\(name): \(message)" }

    /// `x.y` where `x` is `undefined` or `null`.
    static func notAnObject(_ value: ScriptValue, evaluating expression: String) -> ScriptFailure {
        ScriptFailure("\(value.isUndefined ? "undefined" : "null") is not an object (evaluating '\(expression)')", name: "TypeError")
    }

    /// `callee(...)` where `callee` is not a function.
    static func notAFunction(_ callee: String, call: String, value: String) -> ScriptFailure {
        ScriptFailure("\(callee) is not a function. (In '\(call)', '\(callee)' is \(value))", name: "TypeError")
    }

    /// A method call on a value that does not have the method (`path.split(".")` on a number),
    /// or on `undefined`/`null`.
    static func method(_ receiver: String, _ method: String, call: String, on value: ScriptValue) -> ScriptFailure {
        if value.isNullish { return notAnObject(value, evaluating: "\(receiver).\(method)") }
        return notAFunction("\(receiver).\(method)", call: call, value: "undefined")
    }

    /// `const {key} = value` with `value` `undefined` or `null`.
    static func destructuring(_ key: String) -> ScriptFailure {
        ScriptFailure("Cannot destructure property '\(key)' from null or undefined value", name: "TypeError")
    }

    /// The dotted path of a node that splits a field name (`path.split('.')`), with upstream's
    /// error when the name is not a string.
    static func splitPath(_ path: ScriptValue, receiver: String = "path") throws(ScriptFailure) -> [String] {
        guard case .string(let text) = path else { throw method(receiver, "split", call: "\(receiver).split(\".\")", on: path) }
        return text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }
}
