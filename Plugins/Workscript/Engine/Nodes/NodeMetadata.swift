/// How a node describes itself: for `GET /workscript/nodes`, for AI hints, and for checking a
/// workflow's config before it runs. Mirrors upstream's node metadata (`id`, `name`,
/// `version`, `description`, `inputs`, `outputs`, `ai_hints`) and adds typed config fields.
public struct NodeMetadata: Sendable {
    public let id: String
    public let name: String
    /// Semantic version of the node's behaviour.
    public let version: String
    public let description: String
    /// Config parameters by name (upstream's `inputs`).
    public let inputs: [String]
    /// Names of what it produces (upstream's `outputs`).
    public let outputs: [String]
    public let hints: NodeHints
    /// The config fields with their types; a literal of another type is a validation error.
    /// Fields not listed are not checked.
    public let config: [NodeConfigField]
    /// The reflection category (`core`, `dataManipulation`, `server`, ...).
    public let category: String

    public init(id: String, name: String, version: String = "1.0.0", description: String,
                inputs: [String] = [], outputs: [String] = [], hints: NodeHints, config: [NodeConfigField] = [],
                category: String) {
        self.id = id
        self.name = name
        self.version = version
        self.description = description
        self.inputs = inputs
        self.outputs = outputs
        self.hints = hints
        self.config = config
        self.category = category
    }

    /// The metadata as JSON, in upstream's shape (`ai_hints` with snake-case keys) plus
    /// `config` and `category`.
    public var json: ScriptValue {
        var object: ScriptObject = [
            "id": .string(id), "name": .string(name), "version": .string(version), "description": .string(description),
            "inputs": .array(inputs.map { .string($0) }), "outputs": .array(outputs.map { .string($0) }),
        ]
        object["ai_hints"] = hints.json
        object["config"] = .array(config.map(\.json))
        object["category"] = .string(category)
        return .object(object)
    }
}

/// Upstream's `ai_hints`: what a model needs to use the node in a workflow it writes.
public struct NodeHints: Sendable {
    public let purpose: String
    public let whenToUse: String
    public let expectedEdges: [String]
    public let exampleUsage: String
    public let exampleConfig: String
    public let getFromState: [String]
    public let postToState: [String]

    public init(purpose: String, whenToUse: String, expectedEdges: [String], exampleUsage: String,
                exampleConfig: String, getFromState: [String] = [], postToState: [String] = []) {
        self.purpose = purpose
        self.whenToUse = whenToUse
        self.expectedEdges = expectedEdges
        self.exampleUsage = exampleUsage
        self.exampleConfig = exampleConfig
        self.getFromState = getFromState
        self.postToState = postToState
    }

    var json: ScriptValue {
        [
            "purpose": .string(purpose), "when_to_use": .string(whenToUse),
            "expected_edges": .array(expectedEdges.map { .string($0) }),
            "example_usage": .string(exampleUsage), "example_config": .string(exampleConfig),
            "get_from_state": .array(getFromState.map { .string($0) }),
            "post_to_state": .array(postToState.map { .string($0) }),
        ]
    }
}

/// One config parameter of a node.
public struct NodeConfigField: Sendable {
    /// The JSON types a literal value may have.
    public enum Kind: String, Sendable {
        case string, number, boolean, array, object, any
    }

    public let name: String
    /// Accepted types; `[.any]` accepts everything.
    public let kinds: [Kind]
    public let required: Bool
    /// The default, when there is one, as upstream applies it.
    public let defaultValue: ScriptValue
    public let description: String

    public init(_ name: String, _ kinds: Kind..., required: Bool = false, default defaultValue: ScriptValue = .undefined, description: String) {
        self.name = name
        self.kinds = kinds.isEmpty ? [.any] : kinds
        self.required = required
        self.defaultValue = defaultValue
        self.description = description
    }

    public init(_ name: String, kinds: [Kind], required: Bool = false, default defaultValue: ScriptValue = .undefined, description: String) {
        self.name = name
        self.kinds = kinds.isEmpty ? [.any] : kinds
        self.required = required
        self.defaultValue = defaultValue
        self.description = description
    }

    /// Whether a literal `value` has an accepted type.
    public func accepts(_ value: ScriptValue) -> Bool {
        if kinds.contains(.any) { return true }
        switch value {
        case .string: return kinds.contains(.string)
        case .number: return kinds.contains(.number)
        case .bool: return kinds.contains(.boolean)
        case .array: return kinds.contains(.array)
        case .object: return kinds.contains(.object)
        case .null, .undefined: return false
        }
    }

    var json: ScriptValue {
        var object: ScriptObject = [
            "name": .string(name), "type": .array(kinds.map { .string($0.rawValue) }),
            "required": .bool(required), "description": .string(description),
        ]
        if !defaultValue.isUndefined { object["default"] = defaultValue }
        return .object(object)
    }
}
