import HTTPTypes
import Hummingbird

/// The routes a plugin mounts in step 6, all under its manifest's base path. Middleware added
/// here applies only to this plugin's routes added after it.
///
/// ```swift
/// func mount(_ routes: PluginRoutes, context: PluginContext) throws {
///     routes.add(middleware: AuditTrail())
///     try routes.add(ItemRoutes(store: store).routes, policy: .permission("items.read"))
/// }
/// ```
public struct PluginRoutes {
    public let plugin: String
    public let basePath: String
    let group: RouterGroup<PlinthRequestContext>
    /// Routes that answer WebSocket upgrades, on the router the upgrader asks.
    let sockets: RouterGroup<PlinthRequestContext>?
    let table: RouteTable
    /// Set once the plugin adds middleware: from then on a scope middleware tags requests
    /// before the plugin's middleware sees them; until then each handler tags its own request,
    /// which saves a middleware hop on every request.
    private let scoped = ScopeFlag()

    final class ScopeFlag {
        var added = false
        /// GET routes, for the HEAD routes ``finish()`` adds.
        var gets: [(path: String, responder: @Sendable (Request, PlinthRequestContext) async throws -> Response)] = []
    }

    init(plugin: String, basePath: String, router: Router<PlinthRequestContext>, sockets: Router<PlinthRequestContext>? = nil, table: RouteTable) {
        self.plugin = plugin
        self.basePath = basePath
        self.table = table
        self.group = router.group(RouterPath(basePath))
        self.sockets = sockets?.group(RouterPath(basePath))
    }

    /// Adds middleware for the plugin's routes added after this call.
    @discardableResult
    public func add(middleware: any MiddlewareProtocol<Request, Response, PlinthRequestContext>) -> PluginRoutes {
        if !scoped.added {
            group.add(middleware: PluginScopeMiddleware(plugin: plugin))
            scoped.added = true
        }
        group.add(middleware: middleware)
        return self
    }

    /// Mounts `routes` (see ``Route``). A route that states no policy takes `policy`; one that
    /// has neither stops start-up, as does an operation id or a method and path another route
    /// has. Routes without tags take the plugin's id.
    /// - Throws: ``KernelStartupError`` naming the route.
    public func add(_ routes: [Route], policy: RoutePolicy? = nil) throws {
        for route in routes { try add(route, policy: policy) }
    }

    /// Mounts one route; see ``add(_:policy:)-([Route],_)``.
    public func add(_ route: Route, policy: RoutePolicy? = nil) throws {
        var operation = route.operation
        operation.policy = operation.policy ?? policy
        if operation.tags.isEmpty { operation.tags = [plugin] }
        guard let policy = operation.policy else {
            throw KernelStartupError("route \(operation.method) \(Self.join(basePath, operation.path)) (\(operation.id)) of plugin '\(plugin)' states no policy: add .requires(.public), .signedIn or .permission(...) beside it")
        }
        let full = Self.join(basePath, operation.path)
        try table.claim(method: operation.method.rawValue, path: full, plugin: plugin, bodyLimit: operation.bodyLimit, operation: operation)
        let plugin = self.plugin
        let tagged = !scoped.added
        let bodyLimit = operation.bodyLimit
        let run = route.run
        let responder: @Sendable (Request, PlinthRequestContext) async throws -> Response = { request, context in
            var context = tagged ? PluginScopeMiddleware.tag(context, plugin: plugin) : context
            if let bodyLimit {
                context.maxUploadSize = bodyLimit.bytes
                context.maxUploadSetting = bodyLimit.setting
            }
            return try await run(request, try await policy.check(request, context))
        }
        group.on(RouterPath(operation.path), method: operation.method, use: responder)
        if let handler = route.webSocket { mountSocket(operation.path, policy: policy, tagged: tagged, handler: handler) }
        // A stream's HEAD would start the stream (an event stream, a download) and never read
        // it; those declare their own HEAD or have none.
        let streams = operation.responses.contains { $0.contentType == "text/event-stream" || $0.status == 101 || $0.schema == .binary }
        if operation.method == .get && !streams { scoped.gets.append((operation.path, responder)) }
    }

    /// Mounts a WebSocket route, GET only (``Endpoint/webSocket(_:)``), on the upgrader's router.
    /// - Throws: ``KernelStartupError`` for a WebSocket route that is not a GET.
    public func ws(_ path: String, id: String, _ summary: String, policy: RoutePolicy? = nil, handler: @escaping WebSocketHandler) throws {
        try add(Route.get(path, id: id, summary).webSocket(handler), policy: policy)
    }

    private func mountSocket(_ path: String, policy: RoutePolicy, tagged: Bool, handler: @escaping WebSocketHandler) {
        guard let sockets else { return }
        let plugin = self.plugin
        if !tagged { sockets.add(middleware: PluginScopeMiddleware(plugin: plugin)) }
        sockets.on(RouterPath(path), method: .get) { request, context in
            let context = tagged ? PluginScopeMiddleware.tag(context, plugin: plugin) : context
            guard let slot = context.values[WebSocketSlot.self] else { throw Problem(.upgradeRequired) }
            do {
                let allowed = try await policy.check(request, context)
                slot.set(.accept { parts in try await handler(WebSocketConnection(request: request, context: allowed, inbound: parts.inbound, outbound: parts.outbound)) })
            } catch let problem as Problem {
                slot.set(.refuse(problem.detail ?? problem.title))
            }
            return Response(status: .switchingProtocols)
        }
    }

    /// Answers HEAD on every GET route that has no HEAD route of its own, as GET without the
    /// body (RFC 9110 §9.3.2); the kernel calls it once the plugin has mounted.
    func finish() {
        for (path, responder) in scoped.gets where table.claimImplicitHead(path: Self.join(basePath, path), plugin: plugin) {
            group.on(RouterPath(path), method: .head) { request, context in
                let response = try await responder(request, context)
                var headers = response.headers
                if headers[.contentLength] == nil, let length = response.body.contentLength { headers[.contentLength] = String(length) }
                return Response(status: response.status, headers: headers, body: ResponseBody())
            }
        }
        scoped.gets = []
    }

    static func join(_ base: String, _ path: String) -> String {
        let parts = (base.split(separator: "/") + path.split(separator: "/")).joined(separator: "/")
        return "/" + parts
    }
}

/// Tags the request with the plugin that owns the route.
struct PluginScopeMiddleware: RouterMiddleware {
    typealias Context = PlinthRequestContext
    let plugin: String
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await next(request, Self.tag(context, plugin: plugin))
    }

    static func tag(_ context: Context, plugin: String) -> Context {
        var context = context
        context.pluginID = plugin
        context.logger[metadataKey: "plugin"] = .string(plugin)
        return context
    }
}
