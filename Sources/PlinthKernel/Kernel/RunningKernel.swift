import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import HummingbirdWebSocket
import NIOCore

/// A kernel past boot: what `serve`, the CLI and tests work with.
public struct RunningKernel {
    public let configuration: KernelConfiguration
    public let database: Database
    public let services: ServiceRegistry
    public let events: EventBus
    public let audit: AuditLog
    public let sessions: SessionStore
    /// Seals and opens plugins' secrets at rest (`PLINTH_SECRET_KEY`).
    public let secrets: SecretStore
    /// Realtime channels: publish here, subscribe over `/ws` or SSE.
    public let channels: Channels
    public let routes: RouteTable
    public let router: Router<PlinthRequestContext>
    /// The WebSocket routes, with the kernel middleware: the router every upgrade request asks.
    let sockets = Router(context: PlinthRequestContext.self)
    /// Enabled plugins in dependency order.
    public let plugins: [LoadedPlugin]
    public let migrator: Migrator
    public let logger: Logger
    public let metrics: KernelMetrics
    let background: BackgroundServices
    /// `/ws` tickets (``SocketTickets``).
    var socketTickets: SocketTickets {
        SocketTickets(database: database, secrets: secrets, clock: channels.clock, expiry: channels.limits.ticketExpiry, logger: logger)
    }
    /// `/openapi.json`, rendered once every plugin has mounted.
    let openAPI = OpenAPIHolder()

    /// Kernel middleware, kernel routes, then each plugin's routes (step 6). `renderingContract`
    /// (true when booting) renders and validates `/openapi.json` now; otherwise on first use.
    func mountRoutes(renderingContract: Bool) throws {
        var middleware = KernelRequestMiddleware(
            routes: routes, metrics: metrics, logger: logger, maxBodySize: configuration.maxBodySize,
            cors: CORSPolicy(origins: Set(configuration.corsOrigins)),
            sessions: SessionCookies(store: sessions, secure: configuration.secureCookies),
            authenticator: services.resolve((any RequestAuthenticator).self)
        )
        middleware.proxyHops = configuration.trustedProxyHops
        middleware.securityHeaders = KernelRequestMiddleware.securityHeaders(https: configuration.secureCookies)
        router.add(middleware: middleware)
        sockets.add(middleware: middleware)
        let kernelRoutes = PluginRoutes(plugin: "kernel", basePath: "/", router: router, sockets: sockets, table: routes)
        try kernelRoutes.add(KernelRoutes(kernel: self, document: openAPI).routes, policy: .public)
        kernelRoutes.finish()
        for plugin in plugins {
            let pluginRoutes = PluginRoutes(plugin: plugin.id, basePath: plugin.entry.manifest.basePath, router: router, sockets: sockets, table: routes)
            defer { pluginRoutes.finish() }
            do { try plugin.mount(pluginRoutes) } catch let error as KernelStartupError { throw error } catch {
                throw KernelStartupError("plugin '\(plugin.id)' failed to mount its routes: \(DatabaseError.describe(error))", code: .mount, plugin: plugin.id)
            }
        }
        if renderingContract {
            openAPI.set(Array(try openAPIDocument()))
        } else {
            let document = contract()
            openAPI.renderLater { Array(try document.render()) }
        }
    }

    /// The OpenAPI 3.1 document of every mounted route (what `/openapi.json` serves and
    /// `plinth openapi` writes). - Throws: ``KernelStartupError`` when OpenAPIKit refuses it.
    public func openAPIDocument() throws -> Data {
        try contract().render()
    }

    private func contract() -> OpenAPIDocument {
        OpenAPIDocument(
            routes: routes.mounted, serverURL: configuration.apiBaseURL,
            authenticating: services.resolve((any RequestAuthenticator).self) != nil,
            sessionCookie: SessionCookies(store: sessions, secure: configuration.secureCookies).cookieName
        )
    }

    /// The HTTP application on `PLINTH_HOST`:`PORT`. `onServerRunning` gets the bound port
    /// (useful with `PORT=0`).
    public func makeApplication(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let limits = configuration.connections
        let count = ConnectionCount()
        let (metrics, logger) = (self.metrics, self.logger)
        let upgrader = WebSocketUpgrader(
            responder: sockets.buildResponder(), cors: CORSPolicy(origins: Set(configuration.corsOrigins)),
            sessionCookie: SessionCookies(store: sessions, secure: configuration.secureCookies).cookieName, tickets: socketTickets, logger: logger
        )
        let webSocket = WebSocketServerConfiguration(
            maxFrameSize: 1 << 16, autoPing: .enabled(timePeriod: .seconds(max(1, channels.limits.heartbeat))), closeTimeout: .seconds(5)
        )
        return Application(
            router: router,
            server: HTTPServerBuilder { responder in
                GuardedHTTP1Channel(
                    inner: HTTP1WebSocketUpgradeChannel(
                        responder: responder,
                        configuration: .init(http1: .init(additionalChannelHandlers: [LargeReadsHandler(), ExpectContinueHandler()]), ws: webSocket),
                        shouldUpgrade: { head, channel, logger in try await upgrader.decide(head, channel: channel, logger: logger) }
                    ),
                    makeGuard: { ConnectionGuard(limits: limits, count: count, metrics: metrics, logger: logger) }
                )
            },
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "plinth"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger
        )
    }

    /// Readiness: the database and every plugin's health check, each within `PLINTH_HEALTH_TIMEOUT`.
    public func readiness() async -> Readiness {
        await ReadinessProbe(database: database, plugins: plugins, timeout: configuration.healthTimeout).check()
    }
}

/// Checks the database and plugins for `/ready`.
struct ReadinessProbe: Sendable {
    let database: Database
    let plugins: [LoadedPlugin]
    let timeout: Double

    func check() async -> Readiness {
        let timeout = self.timeout
        let database = self.database
        let databaseHealth: PluginHealth
        do {
            try await withDeadline(seconds: timeout) { try await database.sql.raw("SELECT 1").run() }
            databaseHealth = .healthy
        } catch {
            // The server's message can name hosts and roles; it goes to the log, not to anonymous callers.
            database.logger.error("readiness: database check failed", metadata: ["error": "\(DatabaseError.describe(error))"])
            databaseHealth = .unhealthy(error is DeadlineExceeded ? "\(error)" : "database unavailable; see the server log")
        }
        // Each check at once, each bounded by its deadline.
        let checks = plugins.map { plugin in
            Task { () -> PluginHealth in
                do {
                    return try await withDeadline(seconds: timeout) { await plugin.health() }
                } catch {
                    return .unhealthy("\(error)")
                }
            }
        }
        var pluginHealth: [String: PluginHealth] = [:]
        for (plugin, check) in zip(plugins, checks) { pluginHealth[plugin.id] = await check.value }
        return Readiness(database: databaseHealth, plugins: pluginHealth)
    }
}

/// The answer of `/ready`.
public struct Readiness: Sendable, Codable {
    public let database: PluginHealth
    public let plugins: [String: PluginHealth]
    public var ready: Bool { database.healthy && plugins.values.allSatisfy(\.healthy) }
}
