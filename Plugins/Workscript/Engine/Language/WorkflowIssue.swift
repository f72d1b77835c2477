/// One problem with a workflow document: where (a JSON pointer into the document, `""` for
/// the document itself) and what.
public struct WorkflowIssue: Sendable, Equatable, CustomStringConvertible {
    public let pointer: String
    public let message: String

    public init(_ pointer: String, _ message: String) {
        self.pointer = pointer
        self.message = message
    }

    public var description: String { "\(pointer.isEmpty ? "/" : pointer): \(message)" }
    public var json: ScriptValue { ["pointer": .string(pointer), "message": .string(message)] }
}

/// A document that is not a valid workflow, with every problem found.
public struct WorkflowInvalid: Error, Sendable, CustomStringConvertible {
    public let issues: [WorkflowIssue]
    public var description: String {
        "workflow is not valid (\(issues.count) problem\(issues.count == 1 ? "" : "s")): " + issues.map(\.description).joined(separator: "; ")
    }
}
