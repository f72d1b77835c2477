extension NodeLibrary {
    /// Array, iteration and dataset nodes.
    static let collections: [any WorkflowNode] = [
        EveryArrayItemNode(), WhileNode(), SplitOutNode(), AggregateNode(), RemoveDuplicatesNode(), SortNode(),
        LimitNode(), ArrayUtilitiesNode(), FilterNode(), CompareDatasetsNode(),
    ]
}
