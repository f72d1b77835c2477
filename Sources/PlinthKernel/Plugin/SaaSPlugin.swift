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
/// 5. **provide** — ``PluginLifecycle/provide(_:)`` registers services, resolves the ones
///    from dependencies and returns what the later steps need. No database access.
/// 6. **mount** — ``PluginLifecycle/mount(_:provided:context:)`` adds routes under the
///    manifest's base path; two plugins claiming the same method and path stop startup.
/// 7. **boot** — ``PluginLifecycle/boot(_:context:)`` runs; long-running work is added with
///    ``PluginContext/addService(_:)`` as a ServiceLifecycle `Service`.
/// 8. **serve**, then **shutdown** — ``PluginLifecycle/health(_:context:)`` feeds `/ready`; on
///    SIGTERM the server drains, background services stop, and
///    ``PluginLifecycle/shutdown(_:context:)`` runs in reverse dependency order. Every plugin
///    that passed configure is shut down on every exit, also when a later step fails.
///
/// ```swift
/// struct HelloPlugin: SaaSPlugin {
///     static let manifest = PluginManifest(id: "hello", name: "Hello", version: "1.0.0")
///     let greeting: String
///     init(context: PluginContext) throws {
///         greeting = context.config.string("GREETING") ?? "hello" // PLINTH_HELLO_GREETING
///     }
///     func mount(_ routes: PluginRoutes, context: PluginContext) throws {
///         try routes.add(Route.get("", id: "hello.greet", "Greets").requires(.public).handle { _, _ in greeting })
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
///
/// What `provide` builds (services, route handlers' dependencies, clients to close) is its
/// return value, ``Provided``; the kernel keeps it and hands it to the later steps, so the plugin
/// value stays immutable and needs no hand-written state holder:
///
/// ```swift
/// struct NotesPlugin: SaaSPlugin {
///     func provide(_ context: PluginContext) async throws -> NoteStore {
///         let store = NoteStore(database: context.database)
///         try context.provide(NoteStore.self, store)
///         return store
///     }
///     func mount(_ routes: PluginRoutes, provided store: NoteStore, context: PluginContext) throws {
///         try routes.add(NoteRoutes(store: store).routes)
///     }
/// }
/// ```
///
/// Steps 5 and 6 also run for commands that only inspect (`plinth routes`, `plinth openapi`),
/// on a database that may be empty and unmigrated: `provide` and `mount` wire objects together
/// and must not read or write the database or start anything; that is `boot`'s work.
public protocol PluginLifecycle: Sendable {
    /// What ``provide(_:)`` hands to the later steps. Default `Void`.
    associatedtype Provided: Sendable = Void
    /// Step 4: the plugin's schema changes, in order. Default: none.
    var migrations: [Migration] { get }
    /// Step 5: register services with `context.provide`, resolve with `context.require`, and
    /// return what the later steps need. No database access: the schema may not exist yet.
    func provide(_ context: PluginContext) async throws -> Provided
    /// Step 6, for a plugin that needs nothing from `provide`: add routes; paths are relative
    /// to the manifest's base path. Called by the default ``mount(_:provided:context:)``.
    func mount(_ routes: PluginRoutes, context: PluginContext) throws
    /// Step 6: add routes built from what `provide` returned. Default: ``mount(_:context:)``.
    func mount(_ routes: PluginRoutes, provided: Provided, context: PluginContext) throws
    /// Step 7, for a plugin that needs nothing from `provide`. Called by the default ``boot(_:context:)``.
    func boot(_ context: PluginContext) async throws
    /// Step 7: start-up work once every plugin is mounted and migrations ran: read the
    /// database, start services with ``PluginContext/addService(_:)``. Default: ``boot(_:)``.
    func boot(_ provided: Provided, context: PluginContext) async throws
    /// Polled by `/ready`; must answer within `PLINTH_HEALTH_TIMEOUT` (default 2 s). Default: healthy.
    func health(_ context: PluginContext) async -> PluginHealth
    /// Polled by `/ready` with what `provide` returned. Default: ``health(_:)``.
    func health(_ provided: Provided, context: PluginContext) async -> PluginHealth
    /// Step 8, for a plugin that needs nothing from `provide`. Called by the default ``shutdown(_:context:)``.
    func shutdown(_ context: PluginContext) async throws
    /// Step 8: release resources. Runs in reverse dependency order for every plugin that passed
    /// configure, on every exit: after the server drained, after an inspecting command, and
    /// when a later step failed. `provided` is `nil` when `provide` did not run or failed.
    /// Default: ``shutdown(_:)``.
    func shutdown(_ provided: Provided?, context: PluginContext) async throws
}

extension PluginLifecycle {
    public var migrations: [Migration] { [] }
    public func mount(_ routes: PluginRoutes, context: PluginContext) throws {}
    public func mount(_ routes: PluginRoutes, provided: Provided, context: PluginContext) throws { try mount(routes, context: context) }
    public func boot(_ context: PluginContext) async throws {}
    public func boot(_ provided: Provided, context: PluginContext) async throws { try await boot(context) }
    public func health(_ context: PluginContext) async -> PluginHealth { .healthy }
    public func health(_ provided: Provided, context: PluginContext) async -> PluginHealth { await health(context) }
    public func shutdown(_ context: PluginContext) async throws {}
    public func shutdown(_ provided: Provided?, context: PluginContext) async throws { try await shutdown(context) }
}

extension PluginLifecycle where Provided == Void {
    public func provide(_ context: PluginContext) async throws {}
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
