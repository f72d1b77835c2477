import HTTPTypes
import Hummingbird

/// The routes a plugin mounts in step 6, all under its manifest's base path. Middleware added
/// here applies only to this plugin's routes added after it.
///
/// ```swift
/// func mount(_ routes: PluginRoutes, context: PluginContext) throws {
///     routes.add(middleware: RequireTenant())
///     try routes.get("items/:id") { request, ctx in ... }
/// }
/// ```
public struct PluginRoutes {
    public let plugin: String
    public let basePath: String
    let group: RouterGroup<PlinthRequestContext>
    let table: RouteTable
    /// Set once the plugin adds middleware: from then on a scope middleware tags requests
    /// before the plugin's middleware sees them; until then each handler tags its own request,
    /// which saves a middleware hop on every request.
    private let scoped = ScopeFlag()

    final class ScopeFlag {
        var added = false
    }

    init(plugin: String, basePath: String, router: Router<PlinthRequestContext>, table: RouteTable) {
        self.plugin = plugin
        self.basePath = basePath
        self.table = table
        self.group = router.group(RouterPath(basePath))
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

    /// Adds a route at `path` (relative to the base path; `:name` or `{name}` for parameters,
    /// `**` for the rest of the path).
    /// - Parameter bodyLimit: the largest body this route accepts; default the kernel's
    ///   `PLINTH_MAX_BODY_SIZE`. Upload routes that stream their body raise it.
    /// - Throws: ``KernelStartupError`` when another plugin (or this one) has the same route.
    @discardableResult
    public func on(_ path: String, method: HTTPRequest.Method, bodyLimit: RouteBodyLimit? = nil, use handler: @escaping @Sendable (Request, PlinthRequestContext) async throws -> some ResponseGenerator) throws -> PluginRoutes {
        let full = Self.join(basePath, path)
        try table.claim(method: method.rawValue, path: full, plugin: plugin, bodyLimit: bodyLimit)
        if scoped.added && bodyLimit == nil {
            group.on(RouterPath(path), method: method, use: handler)
        } else {
            let plugin = self.plugin
            let tagged = !scoped.added
            group.on(RouterPath(path), method: method) { request, context in
                var context = tagged ? PluginScopeMiddleware.tag(context, plugin: plugin) : context
                if let bodyLimit {
                    context.maxUploadSize = bodyLimit.bytes
                    context.maxUploadSetting = bodyLimit.setting
                }
                return try await handler(request, context)
            }
        }
        return self
    }

    @discardableResult public func get(_ path: String, use handler: @escaping @Sendable (Request, PlinthRequestContext) async throws -> some ResponseGenerator) throws -> PluginRoutes { try on(path, method: .get, use: handler) }
    @discardableResult public func post(_ path: String, use handler: @escaping @Sendable (Request, PlinthRequestContext) async throws -> some ResponseGenerator) throws -> PluginRoutes { try on(path, method: .post, use: handler) }
    @discardableResult public func put(_ path: String, use handler: @escaping @Sendable (Request, PlinthRequestContext) async throws -> some ResponseGenerator) throws -> PluginRoutes { try on(path, method: .put, use: handler) }
    @discardableResult public func patch(_ path: String, use handler: @escaping @Sendable (Request, PlinthRequestContext) async throws -> some ResponseGenerator) throws -> PluginRoutes { try on(path, method: .patch, use: handler) }
    @discardableResult public func delete(_ path: String, use handler: @escaping @Sendable (Request, PlinthRequestContext) async throws -> some ResponseGenerator) throws -> PluginRoutes { try on(path, method: .delete, use: handler) }

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
