/// Expressions are checked when the workflow is validated: a construct outside the expression
/// language is a problem of the workflow, never code that runs.
extension SwitchNode: ConfigChecking {
    public func problems(in config: ScriptObject) -> [(field: String, message: String)] {
        guard config["mode"] == "expression", case .string(let source) = config["expression"], !source.hasPrefix("$.") else { return [] }
        return WorkflowExpression.check(source).map { [("expression", "switch expression: \($0)")] } ?? []
    }
}

extension ValidateDataNode: ConfigChecking {
    public func problems(in config: ScriptObject) -> [(field: String, message: String)] {
        guard config["validationType"] == "custom", case .string(let body) = config["customValidator"], !body.hasPrefix("$.") else { return [] }
        return WorkflowExpression.checkValidator(body).map { [("customValidator", "validateData custom validator: \($0)")] } ?? []
    }
}
