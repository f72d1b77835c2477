import Logging
import ServiceLifecycle

/// Everything the kernel gives a plugin, tagged with the plugin's id: its settings, a logger
/// whose lines carry `plugin=<id>`, the database, services, events, audit log, sessions, clock
/// and metrics.
public struct PluginContext: Sendable {
    public let manifest: PluginManifest
    public var id: String { manifest.id }
    public let config: PluginConfig
    /// Kernel settings plugins build on (data directory, public URL, environment).
    public let kernel: KernelSettings
    public let logger: Logger
    public let database: Database
    public let events: EventBus
    public let audit: AuditLog
    public let sessions: SessionStore
    /// Named permissions and the roles that hold them; see ``declarePermission(_:_:roles:)``.
    public let permissions: PermissionCatalog
    /// Seals values at rest with `PLINTH_SECRET_KEY`; see ``SecretStore``.
    public let secrets: SecretStore
    /// Realtime channels: declare in step 5 with ``declareChannel(_:policy:)``, publish any time after boot.
    public let channels: Channels
    public let clock: any KernelClock
    /// Short-lived caches kept coherent across instances; see ``SharedCaches``.
    public var caches: SharedCaches { events.caches }
    public let metrics: KernelMetrics
    /// The registry behind ``provide(_:_:)`` and ``require(_:)``.
    public let services: ServiceRegistry
    let backgroundServices: BackgroundServices

    /// Step 5: offers `value` as the `type` service to plugins that depend on this one.
    public func provide<T: Sendable>(_ type: T.Type, _ value: T) throws {
        try services.provide(type, value, by: id)
    }

    /// A service provided by a dependency (or the kernel).
    /// - Throws: ``KernelStartupError`` naming this plugin and its dependencies when nobody provides it.
    public func require<T>(_ type: T.Type) throws -> T {
        try services.require(type, by: id, dependencies: Array(manifest.dependencies.keys))
    }

    /// Step 5: adds `value` to what plugins collect under `type` (for example the Workscript
    /// plugin's workflow nodes), with this plugin as its source. See
    /// ``ServiceRegistry/contribute(_:_:by:)``.
    public func contribute<T: Sendable>(_ type: T.Type, _ value: T) {
        services.contribute(type, value, by: id)
    }

    /// What every plugin contributed under `type`; read it in step 6 (mount) or later.
    public func contributions<T>(_ type: T.Type) -> [(plugin: String, value: T)] {
        services.contributions(type)
    }

    /// Publishes `event` on the kernel's bus with this plugin as its source.
    public func publish<E: KernelEvent>(_ event: E) async throws {
        try await events.publish(event, source: id)
    }

    /// Appends an audit row with this plugin as its source.
    public func audit(_ action: String, actor: String? = nil, tenant: String? = nil, target: String? = nil, metadata: [String: String] = [:], requestID: String? = nil) async throws {
        try await audit.record(AuditRecord(action: action, actor: actor, tenant: tenant, target: target, metadata: metadata, requestID: requestID, plugin: id))
    }

    /// Declares a permission this plugin checks with ``PlinthRequestContext/requirePermission(_:)``,
    /// held by the tenant `roles` (`owner`, `admin`, `member`). Call in step 5 (provide).
    public func declarePermission(_ name: String, _ description: String, roles: Set<String>) throws {
        try permissions.declare(name, description: description, roles: roles, plugin: id)
    }

    /// Declares the channels matching `pattern` that this plugin publishes to, and who may
    /// subscribe (see ``ChannelDeclaration``). Call in step 5 (provide).
    public func declareChannel(_ pattern: String, policy: RoutePolicy) throws {
        try channels.declare(pattern, policy: policy, plugin: id)
    }

    /// Runs `service` from boot until shutdown, as part of the kernel's service group.
    public func addService(_ service: any Service) {
        backgroundServices.add(service, plugin: id)
    }
}
