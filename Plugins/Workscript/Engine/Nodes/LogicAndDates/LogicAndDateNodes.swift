extension NodeLibrary {
    /// Branching, validation, calculation, date and server-side nodes.
    static let logicAndDates: [any WorkflowNode] = []
}
