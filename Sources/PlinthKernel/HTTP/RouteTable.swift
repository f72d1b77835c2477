import Synchronization

/// Every route the kernel and plugins mounted, with its owner: detects conflicts, answers 405,
/// maps a matched route to its plugin for telemetry, and feeds `plinth routes`.
public final class RouteTable: Sendable {
    public struct Route: Sendable, Hashable, Codable {
        public let method: String
        public let path: String
        public let plugin: String
        /// The operation id (`auth.login`).
        public let id: String
    }
    /// A mounted route's declaration, with its full path and owner: what `/openapi.json` lists.
    public struct Mounted: Sendable {
        public let path: String
        public let plugin: String
        public let operation: RouteOperation
    }
    private let operations = Mutex<[Mounted]>([])
    private let routes = Mutex<[Route]>([])
    private let owners = Mutex<[String: String]>([:])
    /// Routes with their own body limit, by method.
    private let bodyLimits = Mutex<[(method: String, pattern: [Substring], limit: RouteBodyLimit)]>([])
    /// Hummingbird endpoint path (as matched) → owner, filled on first use.
    private let endpointOwners = Mutex<[String: String]>([:])

    public init() {}

    public var all: [Route] { routes.withLock { $0 } }

    /// Every mounted declaration, in mount order.
    public var mounted: [Mounted] { operations.withLock { $0 } }

    /// Records a route. - Throws: ``KernelStartupError`` naming both owners when the method and
    /// path shape are taken (`/items/:id` and `/items/{key}` are the same shape).
    func claim(method: String, path: String, plugin: String, bodyLimit: RouteBodyLimit? = nil, operation: RouteOperation) throws {
        let taken: Mounted? = operations.withLock { all in all.first { $0.operation.id == operation.id } }
        if let taken {
            throw KernelStartupError("operation id '\(operation.id)' of \(method) \(path) (plugin '\(plugin)') is taken by \(taken.operation.method) \(taken.path) (plugin '\(taken.plugin)'); operation ids are unique")
        }
        let key = method + " " + Self.shape(path)
        let existing: String? = owners.withLock { owners in
            if let owner = owners[key] { return owner }
            owners[key] = plugin
            return nil
        }
        if let existing {
            let who = existing == plugin ? "plugin '\(plugin)' twice" : "both plugin '\(existing)' and plugin '\(plugin)'"
            throw KernelStartupError("route \(method) \(path) is claimed by \(who); change one plugin's base path (PluginManifest.basePath) or route")
        }
        routes.withLock { $0.append(Route(method: method, path: path, plugin: plugin, id: operation.id)) }
        operations.withLock { $0.append(Mounted(path: path, plugin: plugin, operation: operation)) }
        if let bodyLimit { bodyLimits.withLock { $0.append((method, Self.segments(path), bodyLimit)) } }
    }

    /// HEAD routes the kernel added for GET routes: they answer 405's `Allow`, not the document.
    private let implicitHeads = Mutex<[String]>([])

    /// Claims HEAD at `path` for its GET route, unless a HEAD route has that shape already.
    func claimImplicitHead(path: String, plugin: String) -> Bool {
        let key = "HEAD " + Self.shape(path)
        let free = owners.withLock { owners in
            guard owners[key] == nil else { return false }
            owners[key] = plugin
            return true
        }
        if free { implicitHeads.withLock { $0.append(path) } }
        return free
    }

    /// The body limit of the route matching the request, if that route set its own.
    func bodyLimit(method: String, path: String) -> RouteBodyLimit? {
        let segments = Self.segments(path)
        return bodyLimits.withLock { limits in
            limits.first { $0.method == method && Self.matches(pattern: $0.pattern, segments) }?.limit
        }
    }

    /// The owner of a matched route, given Hummingbird's endpoint path.
    func plugin(method: String, endpoint: String) -> String? {
        let key = method + " " + endpoint
        if let owner = endpointOwners.withLock({ $0[key] }) { return owner }
        guard let owner = owners.withLock({ $0[method + " " + Self.shape(endpoint)] }) else { return nil }
        endpointOwners.withLock { $0[key] = owner }
        return owner
    }

    /// Methods with a route matching `path`, for 405 responses. As in the router, a literal
    /// segment wins over a parameter there (`/tenants/invitations` is not `/tenants/{tenant}`):
    /// only the most specific patterns that match count.
    func allowedMethods(path: String) -> [String] {
        let segments = Self.segments(path)
        let all = routes.withLock { $0.map { (method: $0.method, path: $0.path) } } + implicitHeads.withLock { $0.map { (method: "HEAD", path: $0) } }
        let matched = all.filter { Self.matches(pattern: Self.segments($0.path), segments) }
        let ranked = matched.map { (method: $0.method, rank: Self.specificity(Self.segments($0.path))) }
        guard let best = ranked.map(\.rank).max(by: { $0.lexicographicallyPrecedes($1) }) else { return [] }
        return Array(Set(ranked.filter { $0.rank == best }.map(\.method))).sorted()
    }

    /// Per segment: 2 for a literal, 1 for a parameter, 0 for a wildcard.
    static func specificity(_ pattern: [Substring]) -> [Int] {
        pattern.map { part in
            if part == "**" || part == "*" { return 0 }
            return part.hasPrefix(":") || (part.hasPrefix("{") && part.hasSuffix("}")) ? 1 : 2
        }
    }

    static func segments(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    /// Parameters of either spelling become `:`; so do single wildcards.
    static func shape(_ path: String) -> String {
        "/" + segments(path).map { s -> String in
            if s.hasPrefix(":") || (s.hasPrefix("{") && s.hasSuffix("}")) || s == "*" { return ":" }
            return String(s)
        }.joined(separator: "/")
    }

    static func matches(pattern: [Substring], _ path: [Substring]) -> Bool {
        var i = 0
        for (index, part) in pattern.enumerated() {
            // Like Hummingbird's router, `**` needs at least one more segment.
            if part == "**" { return i < path.count }
            guard i < path.count else { return false }
            let isParameter = part.hasPrefix(":") || (part.hasPrefix("{") && part.hasSuffix("}")) || part == "*"
            if !isParameter && part != path[i] { return false }
            i += 1
            if index == pattern.count - 1 { return i == path.count }
        }
        return pattern.isEmpty && path.isEmpty
    }
}

/// A route's own request-body limit and the setting that controls it (named in 413 answers).
public struct RouteBodyLimit: Sendable, Hashable {
    public var bytes: Int
    public var setting: String

    public init(bytes: Int, setting: String) {
        self.bytes = bytes
        self.setting = setting
    }
}
