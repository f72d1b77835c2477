/// A feature module the kernel hosts: a type with a static manifest that contributes schema,
/// services, routes and lifecycle hooks.
///
/// The kernel takes every plugin through the same numbered lifecycle, in dependency order:
///
/// 1. **discover** — compiled-in catalog plus shared objects; `PLINTH_PLUGINS` picks which are
///    enabled (default: all).
/// 2. **validate** — manifests only, no plugin code runs: ids well-formed and unique, versions
///    and ranges parse, the kernel API range admits ``Kernel/apiVersion``, dependencies present
///    and in range, no cycles. Any failure stops startup naming the plugin and the fix.
/// 3. **configure** — ``init(context:)`` reads the plugin's settings from `context.config` and
///    throws on bad values. No side effects: nothing is listening or migrated yet.
/// 4. **migrate** — ``PluginLifecycle/migrations`` run in order under the cluster lock.
/// 5. **provide** — ``PluginLifecycle/provide(_:)`` registers services and resolves the ones
///    from dependencies.
/// 6. **mount** — ``PluginLifecycle/mount(_:context:)`` adds routes under the manifest's base
///    path; two plugins claiming the same method and path stop startup.
/// 7. **boot** — ``PluginLifecycle/boot(_:)`` runs; long-running work is added with
///    ``PluginContext/addService(_:)`` as a ServiceLifecycle `Service`.
/// 8. **serve**, then **shutdown** — ``PluginLifecycle/health(_:)`` feeds `/ready`; on SIGTERM
///    the server drains, background services stop, and ``PluginLifecycle/shutdown(_:)`` runs in
///    reverse dependency order.
///
/// ```swift
/// struct HelloPlugin: SaaSPlugin {
///     static let manifest = PluginManifest(id: "hello", name: "Hello", version: "1.0.0")
///     let greeting: String
///     init(context: PluginContext) throws {
///         greeting = context.config.string("GREETING") ?? "hello" // PLINTH_HELLO_GREETING
///     }
///     func mount(_ routes: PluginRoutes, context: PluginContext) throws {
///         try routes.get("") { _, _ in greeting }
///     }
/// }
/// ```
public protocol SaaSPlugin: PluginLifecycle {
    /// Read in step 2, before any of the plugin's code runs.
    static var manifest: PluginManifest { get }
    /// Step 3, configure: read settings, fail fast on bad values, start nothing.
    init(context: PluginContext) throws
}

/// The steps a configured plugin takes part in (4–8 of ``SaaSPlugin``). Every member has a
/// default that does nothing, so a plugin implements only what it uses. Plugins that are not
/// Swift types (shared objects) implement this through an adapter.
public protocol PluginLifecycle: Sendable {
    /// Step 4: the plugin's schema changes, in order. Default: none.
    var migrations: [Migration] { get }
    /// Step 5: register services with `context.provide`, resolve with `context.require`.
    func provide(_ context: PluginContext) async throws
    /// Step 6: add routes; paths are relative to the manifest's base path.
    func mount(_ routes: PluginRoutes, context: PluginContext) throws
    /// Step 7: start-up work once every plugin is mounted.
    func boot(_ context: PluginContext) async throws
    /// Polled by `/ready`; must answer within `PLINTH_HEALTH_TIMEOUT` (default 2 s). Default: healthy.
    func health(_ context: PluginContext) async -> PluginHealth
    /// Step 8: release resources; runs in reverse dependency order after the server drained.
    func shutdown(_ context: PluginContext) async throws
}

extension PluginLifecycle {
    public var migrations: [Migration] { [] }
    public func provide(_ context: PluginContext) async throws {}
    public func mount(_ routes: PluginRoutes, context: PluginContext) throws {}
    public func boot(_ context: PluginContext) async throws {}
    public func health(_ context: PluginContext) async -> PluginHealth { .healthy }
    public func shutdown(_ context: PluginContext) async throws {}
}

/// A plugin's answer to a readiness check.
public struct PluginHealth: Sendable, Codable, Hashable {
    public var healthy: Bool
    public var detail: String?
    public init(healthy: Bool, detail: String? = nil) {
        self.healthy = healthy
        self.detail = detail
    }
    public static let healthy = PluginHealth(healthy: true)
    public static func unhealthy(_ detail: String) -> PluginHealth { PluginHealth(healthy: false, detail: detail) }
}
