/// The nodes that run in process, registered under the source `workscript`.
public enum NodeLibrary {
    /// Every built-in node, in upstream's listing order where it has one.
    public static let builtIn: [any WorkflowNode] = [
        MathNode(), LogicNode(), TransformNode(), EmptyNode(), LogNode(), StateSetterNode(),
        RangeNode(),
    ] + collections + textAndObjects + logicAndDates

    /// A registry holding ``builtIn``.
    public static func registry() -> NodeRegistry {
        var registry = NodeRegistry()
        for node in builtIn {
            // Built-in ids are distinct and valid; a clash here is a programming error caught by tests.
            try? registry.register(node, source: "workscript")
        }
        return registry
    }
}
