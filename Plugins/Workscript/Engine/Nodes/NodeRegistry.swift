/// The node types workflows can use, each with the plugin that contributed it.
///
/// A value: build it at start-up (``register(_:source:)``), then hand it to a
/// ``WorkflowParser``; an execution never sees nodes registered after its workflow was parsed.
public struct NodeRegistry: Sendable {
    /// A node id registered twice: names both contributors, so start-up can say which plugins
    /// to change.
    public struct Clash: Error, Sendable, CustomStringConvertible {
        public let id: String
        public let existingSource: String
        public let newSource: String
        public var description: String {
            "workflow node '\(id)' is contributed by both '\(existingSource)' and '\(newSource)'; node ids are unique across plugins, so rename one of them"
        }
    }

    /// A node id that cannot appear as a step key.
    public struct BadIdentifier: Error, Sendable, CustomStringConvertible {
        public let id: String
        public let source: String
        public var description: String {
            "workflow node id '\(id)' from '\(source)' is not usable as a step key: use letters, digits, '_' and '-'"
        }
    }

    public struct Entry: Sendable {
        public let node: any WorkflowNode
        /// The plugin id (or `workscript` for the built-in library).
        public let source: String
        /// The node as ``ConfigChecking`` when it checks its config: cast once here, not per parse.
        let checker: (any ConfigChecking)?

        init(node: any WorkflowNode, source: String) {
            self.node = node
            self.source = source
            self.checker = node as? any ConfigChecking
        }
    }

    public private(set) var entries: [String: Entry] = [:]
    /// Ids in registration order, for listings.
    public private(set) var order: [String] = []

    public init() {}

    /// Adds `node` under its metadata id.
    /// - Throws: ``Clash`` when the id is taken, ``BadIdentifier`` when it is not a valid key.
    public mutating func register(_ node: any WorkflowNode, source: String) throws {
        let id = node.metadata.id
        guard WorkflowSyntax.isNodeIdentifier(id) || id == StateSetterNode.id else { throw BadIdentifier(id: id, source: source) }
        if let existing = entries[id] { throw Clash(id: id, existingSource: existing.source, newSource: source) }
        entries[id] = Entry(node: node, source: source)
        order.append(id)
    }

    public func node(_ id: String) -> (any WorkflowNode)? { entries[id]?.node }
    public func contains(_ id: String) -> Bool { entries[id] != nil }
    /// The node `id` with its config checker, in one lookup.
    func entry(_ id: String) -> Entry? { entries[id] }

    /// Every node in registration order.
    public var all: [Entry] { order.compactMap { entries[$0] } }
}
