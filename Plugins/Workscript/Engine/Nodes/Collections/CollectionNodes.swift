extension NodeLibrary {
    /// Array, iteration and dataset nodes.
    static let collections: [any WorkflowNode] = []
}
