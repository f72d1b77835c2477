extension NodeLibrary {
    /// String, object and field nodes.
    static let textAndObjects: [any WorkflowNode] = [
        EditFieldsNode(), SummarizeNode(), TransformObjectNode(), JSONExtractNode(),
        StringOperationsNode(), ExtractTextNode(), ObjectUtilitiesNode(), MathOperationsNode(),
    ]
}
