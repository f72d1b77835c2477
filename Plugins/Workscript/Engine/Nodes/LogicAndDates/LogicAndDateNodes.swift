extension NodeLibrary {
    /// Branching, validation, calculation, date and server-side nodes.
    static let logicAndDates: [any WorkflowNode] = [
        DateTimeNode(), ValidateDataNode(), CalculateFieldNode(), SwitchNode(),
        AuthNode(), DatabaseNode(), AplicaFiltreNode(), PentruFiecareElementNode(),
    ]
}
