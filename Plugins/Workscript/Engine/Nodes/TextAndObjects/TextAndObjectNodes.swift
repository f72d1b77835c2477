extension NodeLibrary {
    /// String, object and field nodes.
    static let textAndObjects: [any WorkflowNode] = []
}
