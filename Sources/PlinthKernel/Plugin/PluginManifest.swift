/// What a plugin says about itself before any of its code runs.
///
/// The host validates every manifest (step 2 of ``SaaSPlugin``) using only these fields, so a
/// shared-object plugin can be checked as safely as a compiled-in one.
///
/// ```swift
/// static let manifest = PluginManifest(
///     id: "billing", name: "Billing", version: "1.0.0",
///     description: "Invoices and plans",
///     dependencies: ["auth": "^1.0.0"],
///     basePath: "/api/billing"
/// )
/// ```
public struct PluginManifest: Sendable, Hashable, Codable {
    /// Lowercase, dotted identifier (`auth`, `auth.providers.google`): each segment starts with a
    /// letter and holds only `a-z`, `0-9` and `_`.
    public var id: String
    /// Human-readable name.
    public var name: String
    /// The plugin's semantic version, e.g. `1.2.0`.
    public var version: String
    public var description: String
    /// Range of ``Kernel/apiVersion`` the plugin supports. Default `*`.
    public var kernelAPI: String
    /// Plugin id → semantic-version range the dependency must satisfy. Default: none.
    public var dependencies: [String: String]
    /// Prefix of every route the plugin mounts, e.g. `/api/billing`. Default `/` + id with dots as slashes.
    public var basePath: String
    /// Optional description for AI agents (capabilities, when to use, endpoints, nodes, events).
    public var ai: AIManifest?

    public init(
        id: String,
        name: String,
        version: String,
        description: String = "",
        kernelAPI: String = "*",
        dependencies: [String: String] = [:],
        basePath: String? = nil,
        ai: AIManifest? = nil
    ) {
        self.id = id
        self.name = name
        self.version = version
        self.description = description
        self.kernelAPI = kernelAPI
        self.dependencies = dependencies
        self.basePath = basePath ?? "/" + id.split(separator: ".").joined(separator: "/")
        self.ai = ai
    }

    /// Whether `id` has the shape a plugin id must have.
    public static func isValidID(_ id: String) -> Bool {
        let segments = id.split(separator: ".", omittingEmptySubsequences: false)
        return !id.isEmpty && id.count <= 64 && segments.allSatisfy { segment in
            guard let first = segment.first, first.isASCII, first.isLowercase else { return false }
            return segment.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }
        }
    }
}

/// How a plugin describes itself to AI agents, after the Workscript platform's AI manifest.
public struct AIManifest: Sendable, Hashable, Codable {
    public var capabilities: [String]
    public var whenToUse: String
    public var endpoints: [String]
    public var nodes: [String]
    public var events: [String]

    public init(capabilities: [String] = [], whenToUse: String = "", endpoints: [String] = [], nodes: [String] = [], events: [String] = []) {
        self.capabilities = capabilities
        self.whenToUse = whenToUse
        self.endpoints = endpoints
        self.nodes = nodes
        self.events = events
    }
}
