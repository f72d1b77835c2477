import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// The plugin host: takes the enabled plugins through the lifecycle described on
/// ``SaaSPlugin`` and hands the running kernel to the caller (`serve`, a CLI command or a test).
///
/// ```swift
/// let kernel = Kernel(configuration: config, discovery: [PluginCatalog([PluginEntry(HelloPlugin.self)])], logger: logger)
/// try await kernel.withRunning { running in
///     try await ServiceGroup(services: [running.makeApplication()], logger: logger).run()
/// }
/// ```
public final class Kernel: Sendable {
    /// The plugin API this kernel implements; manifests name a range of it.
    public static let apiVersion = SemanticVersion(1, 1, 0)
    /// The Plinth release.
    public static let version = "0.1.0"

    public let configuration: KernelConfiguration
    public let logger: Logger
    public let clock: any KernelClock
    public let metrics: KernelMetrics
    let discovery: [any PluginDiscovery]

    public init(configuration: KernelConfiguration, discovery: [any PluginDiscovery], logger: Logger, clock: any KernelClock = SystemClock(), metrics: KernelMetrics = KernelMetrics()) {
        self.configuration = configuration
        self.discovery = discovery
        self.logger = logger
        self.clock = clock
        self.metrics = metrics
    }

    /// What to do beyond configuring plugins.
    public struct RunOptions: Sendable {
        /// Apply pending migrations (step 4). Default: `PLINTH_MIGRATE_ON_SERVE`.
        public var migrate: Bool?
        /// Run step 7 (boot) and the background services. `false` for commands that only
        /// inspect (`plinth routes`, `plinth migrate`).
        public var boot: Bool
        /// Run steps 5 and 6 (provide, mount). Default `true`; ignored (always run) when booting.
        public var mount: Bool
        public init(migrate: Bool? = nil, boot: Bool = true, mount: Bool = true) {
            self.migrate = migrate
            self.boot = boot
            self.mount = mount
        }
    }

    /// Steps 1–2: every discovered plugin, split into enabled (validated, in dependency order)
    /// and disabled by `PLINTH_PLUGINS`.
    ///
    /// - Parameter listing: keep enabled entries that could not be loaded (``PluginEntry/loadError``),
    ///   after the validated ones, instead of failing on the first: what `plinth plugins` shows.
    ///   Default false.
    public func resolvePlugins(listing: Bool = false) async throws -> (enabled: [PluginEntry], disabled: [PluginEntry]) {
        var discovered: [PluginEntry] = []
        for source in discovery { discovered += try await source.discover(configuration: configuration) }
        var seen: [String: String] = [:]
        discovered = discovered.filter { entry in
            // A file that never loads never takes an id.
            guard entry.loadError == nil else { return true }
            if let first = seen[entry.manifest.id], entry.skipOnFailure {
                logger.error("plugin '\(entry.manifest.id)' (\(entry.origin)) is skipped: its id is taken by \(first)")
                return false
            }
            seen[entry.manifest.id] = seen[entry.manifest.id] ?? entry.origin
            return true
        }
        var enabled = discovered
        var disabled: [PluginEntry] = []
        if let wanted = configuration.enabledPlugins {
            let known = Set(discovered.map(\.manifest.id))
            for id in wanted where !known.contains(id) {
                throw ConfigurationError(key: "PLINTH_PLUGINS", reason: "names '\(id)', which is not installed; installed: \(known.sorted().joined(separator: ", "))")
            }
            enabled = discovered.filter { wanted.contains($0.manifest.id) }
            disabled = discovered.filter { !wanted.contains($0.manifest.id) }
        }
        let broken = enabled.filter { $0.loadError != nil }
        if let first = broken.first, !listing {
            throw KernelStartupError(first.loadError! + " (PLINTH_PLUGINS can leave '\(first.manifest.id)' out)")
        }
        return (try PluginValidator.validate(enabled.filter { $0.loadError == nil }, kernelVersion: Self.apiVersion) + broken, disabled)
    }

    /// Runs the lifecycle up to boot, calls `body`, then shuts down: background services stop,
    /// then plugins' ``PluginLifecycle/shutdown(_:context:)`` run in reverse order.
    ///
    /// Every plugin that passed configure is shut down on every way out: after `body`, and when
    /// migrate, provide, mount or boot of any plugin fails (the error is rethrown afterwards).
    public func withRunning<T: Sendable>(options: RunOptions = RunOptions(), _ body: (RunningKernel) async throws -> T) async throws -> T {
        if options.boot {
            for finding in DeploymentCheck.findings(configuration) where finding.severity == .warning {
                logger.warning("production setting: \(finding.setting) \(finding.message)")
            }
        }
        let plugins = try await resolvePlugins().enabled
        let secrets = try SecretStore.load(configuration, logger: logger, persist: options.boot)
        return try await Database.withDatabase(configuration.database, logger: logger) { database in
            var configured: [LoadedPlugin] = []
            let outcome: Result<T, any Error>
            do {
                outcome = .success(try await run(plugins: plugins, database: database, secrets: secrets, options: options, configured: &configured, body))
            } catch {
                outcome = .failure(error)
            }
            await shutdown(configured)
            return try outcome.get()
        }
    }

    private func run<T: Sendable>(plugins: [PluginEntry], database: Database, secrets: SecretStore, options: RunOptions, configured: inout [LoadedPlugin], _ body: (RunningKernel) async throws -> T) async throws -> T {
        let running = try await prepare(plugins: plugins, database: database, secrets: secrets, options: options, configured: &configured)
        guard options.boot else { return try await body(running) }
        try await running.events.start()
        try await running.channels.start()
        for plugin in running.plugins {
            do { try await plugin.boot() } catch let error as KernelStartupError { throw error } catch {
                throw KernelStartupError("plugin '\(plugin.id)' failed to boot: \(DatabaseError.describe(error))", code: .boot, plugin: plugin.id)
            }
            plugin.context.logger.debug("booted")
        }
        var services: [any Service] = [EventBusService(bus: running.events), ChannelsService(channels: running.channels), SessionPurgeService(store: running.sessions, interval: configuration.sessionPurgeInterval, logger: logger)]
        services += running.background.all.map(\.service)
        let group = ServiceGroup(services: services, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let result: Result<T, any Error>
            do { result = .success(try await body(running)) } catch { result = .failure(error) }
            await group.triggerGracefulShutdown()
            do { try await tasks.waitForAll() } catch { logger.error("background service failed", metadata: ["error": "\(error)"]) }
            return try result.get()
        }
    }

    private func prepare(plugins entries: [PluginEntry], database: Database, secrets: SecretStore, options: RunOptions, configured loaded: inout [LoadedPlugin]) async throws -> RunningKernel {
        let services = ServiceRegistry()
        let events = EventBus(database: database, logger: logger, clock: clock)
        let audit = AuditLog(database: database, clock: clock)
        let sessions = SessionStore(database: database, clock: clock, expiry: configuration.sessionExpiry, idleTimeout: configuration.sessionIdleTimeout)
        let background = BackgroundServices()
        let permissions = PermissionCatalog()
        let channels = Channels(database: database, logger: logger, metrics: metrics, clock: clock, limits: configuration.realtime)
        try services.provide(PermissionCatalog.self, permissions, by: "kernel")
        try services.provide(Channels.self, channels, by: "kernel")
        try services.provide(Database.self, database, by: "kernel")
        try services.provide(SessionStore.self, sessions, by: "kernel")
        try services.provide(AuditLog.self, audit, by: "kernel")
        try services.provide(EventBus.self, events, by: "kernel")
        try services.provide(SecretStore.self, secrets, by: "kernel")

        for entry in entries {
            var pluginLogger = logger
            pluginLogger[metadataKey: "plugin"] = .string(entry.manifest.id)
            let context = PluginContext(
                manifest: entry.manifest, config: PluginConfig(pluginID: entry.manifest.id, environment: configuration.source),
                kernel: KernelSettings(configuration),
                logger: pluginLogger, database: database, events: events, audit: audit, sessions: sessions,
                permissions: permissions, secrets: secrets, channels: channels, clock: clock, metrics: metrics, services: services, backgroundServices: background
            )
            do {
                loaded.append(LoadedPlugin(entry: entry, instance: try entry.make(context), context: context))
            } catch where entry.skipOnFailure {
                logger.error("plugin '\(entry.manifest.id)' (\(entry.origin)) is skipped: \(error)")
            } catch let error as ConfigurationError {
                throw KernelStartupError("plugin '\(entry.manifest.id)' is misconfigured: \(error.key) \(error.reason)", code: .configuration, plugin: entry.manifest.id)
            } catch {
                throw KernelStartupError("plugin '\(entry.manifest.id)' (\(entry.origin)) failed to configure: \(DatabaseError.describe(error))", code: .configuration, plugin: entry.manifest.id)
            }
        }

        let migrator = Migrator(database: database, plugins: [("kernel", KernelMigrations.all)] + loaded.map { ($0.id, $0.instance.migrations) }, logger: logger, metrics: metrics)
        if options.migrate ?? configuration.migrateOnServe {
            do { try await migrator.up() } catch MigrationError.failed(let plugin, let migration, let message) {
                // A shared object's migration names its file, like its other faults.
                let origin = loaded.first { $0.id == plugin }?.entry.origin ?? "compiled-in"
                guard origin != "compiled-in" else { throw MigrationError.failed(plugin: plugin, migration: migration, message: message) }
                throw KernelStartupError("plugin \"\(plugin)\" (\(origin)): \(MigrationError.failed(plugin: plugin, migration: migration, message: message))")
            }
        }

        let routes = RouteTable()
        let router = Router(context: PlinthRequestContext.self)
        let running = RunningKernel(
            configuration: configuration, database: database, services: services, events: events, audit: audit,
            sessions: sessions, secrets: secrets, channels: channels, routes: routes, router: router, plugins: loaded, migrator: migrator,
            logger: logger, metrics: metrics, background: background
        )
        guard options.boot || options.mount else { return running }
        for plugin in loaded {
            do { try await plugin.provide() } catch let error as KernelStartupError { throw error } catch {
                throw KernelStartupError("plugin '\(plugin.id)' failed to provide its services: \(DatabaseError.describe(error))", code: .provide, plugin: plugin.id)
            }
        }
        try running.mountRoutes(renderingContract: options.boot)
        return running
    }

    private func shutdown(_ plugins: [LoadedPlugin]) async {
        for plugin in plugins.reversed() {
            do {
                try await withDeadline(seconds: max(1, configuration.shutdownTimeout)) { try await plugin.shutdown() }
            } catch {
                plugin.context.logger.error("shutdown failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
