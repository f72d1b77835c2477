import Foundation
import Logging

/// The kernel's typed settings. Every field states its environment variable and default.
public struct KernelConfiguration: Sendable {
    /// `PLINTH_ENV` (or `NODE_ENV`): `development` (default), `production` or `test`.
    public var environment: String = "development"
    /// `PLINTH_HOST`. Default `127.0.0.1`.
    public var host: String = "127.0.0.1"
    /// `PORT`. Default 3013.
    public var port: Int = 3013
    /// `PLINTH_DATA_DIR`. Default `./data`; the SQLite file and local storage live here.
    public var dataDirectory: String = "./data"
    /// `DATABASE_URL`, or `POSTGRES_HOST`/`PORT`/`DB`/`USER`/`PASSWORD`/`SSL`. Default: SQLite at
    /// `$PLINTH_DATA_DIR/plinth.sqlite`.
    public var database: DatabaseConfiguration = .init(backend: .sqlite(path: "./data/plinth.sqlite"))
    /// `PLINTH_PLUGINS`: comma-separated ids to enable. Default `nil`: every discovered plugin.
    public var enabledPlugins: [String]? = nil
    /// `PLINTH_MIGRATE_ON_SERVE`. Default `true`: `serve` applies pending migrations first.
    public var migrateOnServe: Bool = true
    /// `PLINTH_MAX_BODY_SIZE`. Default 10 MiB; larger request bodies get 413.
    public var maxBodySize: Int = 10 << 20
    /// `PLINTH_CORS_ORIGINS` (comma-separated), else `CLIENT_URL`. Default `http://localhost:5173`.
    public var corsOrigins: [String] = ["http://localhost:5173"]
    /// `API_BASE_URL`. Default `http://localhost:3013`; https makes cookies `Secure`.
    public var apiBaseURL: String = "http://localhost:3013"
    /// `SESSION_EXPIRY` in seconds. Default 86400 (24 h).
    public var sessionExpiry: Double = 86_400
    /// `SESSION_IDLE_TIMEOUT` in seconds: a session unused this long ends. Default 1800
    /// (30 min, ASVS level 2); 0 turns it off.
    public var sessionIdleTimeout: Double = 1_800
    /// `PLINTH_SESSION_PURGE_INTERVAL` in seconds. Default 600.
    public var sessionPurgeInterval: Double = 600
    /// Realtime channels: `PLINTH_REALTIME_QUEUE` (256 messages a subscriber may fall behind),
    /// `PLINTH_REALTIME_REPLAY` (100 messages kept per channel for resuming),
    /// `PLINTH_REALTIME_REPLAY_AGE` (300 s), `PLINTH_REALTIME_HEARTBEAT` (15 s between SSE
    /// comments and WebSocket pings), `PLINTH_REALTIME_TICKET_EXPIRY` (30 s, `/ws` tickets).
    public var realtime = Channels.Limits()
    /// `PLINTH_SHUTDOWN_TIMEOUT` in seconds: in-flight requests get this long to finish. Default 30.
    public var shutdownTimeout: Double = 30
    /// `PLINTH_HEALTH_TIMEOUT` in seconds for each plugin's health check on `/ready`. Default 2.
    public var healthTimeout: Double = 2
    /// Connection timeouts and the connection cap: `PLINTH_HEADER_TIMEOUT`, `PLINTH_BODY_TIMEOUT`,
    /// `PLINTH_KEEPALIVE_TIMEOUT`, `PLINTH_MAX_CONNECTIONS` (see ``ConnectionLimits``).
    public var connections = ConnectionLimits()
    /// `PLINTH_TRUSTED_PROXY_HOPS`: proxies (load balancers) in front of the server whose
    /// `X-Forwarded-For` entries are believed; ``PlinthRequestContext/clientAddress`` is the
    /// entry that many from the right. Default 0: the connection's peer, and the header is ignored.
    public var trustedProxyHops = 0
    /// `LOG_LEVEL`: trace, debug, info (default), notice, warning, error, critical.
    public var logLevel: Logger.Level = .info
    /// `PLINTH_LOG_FORMAT`: `text` (default in development) or `json` (default in production).
    public var logFormat: String = "text"
    /// `PLINTH_METRICS_TOKEN`: when set, `/metrics` answers only `Authorization: Bearer <token>`.
    /// Default unset: public (a production start warns).
    public var metricsToken: String? = nil
    /// `OTEL_EXPORTER_OTLP_ENDPOINT`. Default unset: no trace export.
    public var otlpEndpoint: String? = nil
    /// `OTEL_SERVICE_NAME`. Default `api`.
    public var serviceName: String = "api"

    /// The raw source, for plugins' own settings.
    public var source: ConfigSource = .values([:])
    /// `PLINTH_SECRET_KEY`: the key ``SecretStore`` seals with, 32 bytes in base64. Required in
    /// production; elsewhere, unset means a key generated once in `PLINTH_DATA_DIR/secret.key`.
    public var secretKey: SecretKey?
    /// `PLINTH_SECRET_KEY_PREVIOUS`: comma-separated earlier keys that still open values sealed
    /// before a rotation (`plinth secrets reseal` moves them onto the current key). Default none.
    public var previousSecretKeys: [SecretKey] = []
    /// Every setting as (key, shown value), secrets redacted, for `plinth config`.
    public var entries: [(key: String, value: String)] = []

    public init() {}

    public var isProduction: Bool { environment == "production" }
    /// Whether cookies get the `Secure` attribute.
    public var secureCookies: Bool { apiBaseURL.lowercased().hasPrefix("https://") }

    /// Reads every setting from `source`.
    /// - Throws: ``ConfigurationError`` naming the first invalid key and why.
    public static func load(from source: ConfigSource) throws -> KernelConfiguration {
        var c = KernelConfiguration()
        var shown: [(String, String)] = []
        func show(_ key: String, _ value: String, secret: Bool = false) {
            shown.append((key, secret ? (value.isEmpty ? "" : "<redacted>") : value))
        }
        c.source = source
        c.environment = try source.choice("PLINTH_ENV", default: source.string("NODE_ENV") ?? "development", choices: ["development", "production", "test"])
        show("PLINTH_ENV", c.environment)
        c.host = source.string("PLINTH_HOST") ?? c.host
        show("PLINTH_HOST", c.host)
        c.port = try source.int("PORT", default: c.port, range: 0...65535)
        show("PORT", String(c.port))
        c.dataDirectory = source.string("PLINTH_DATA_DIR") ?? c.dataDirectory
        show("PLINTH_DATA_DIR", c.dataDirectory)
        c.database = try databaseConfiguration(source, dataDirectory: c.dataDirectory)
        switch c.database.backend {
        case .sqlite(let path): show("DATABASE", "sqlite \(path)")
        case .postgres(let pg): show("DATABASE", "postgres \(pg.username)@\(pg.host ?? "?"):\(pg.port ?? 5432)/\(pg.database ?? "")")
        }
        if let url = source.string("DATABASE_URL", secret: true) { show("DATABASE_URL", url, secret: true) }
        if source.string("POSTGRES_PASSWORD", secret: true) != nil { show("POSTGRES_PASSWORD", "set", secret: true) }
        c.enabledPlugins = source.list("PLINTH_PLUGINS")
        show("PLINTH_PLUGINS", c.enabledPlugins?.joined(separator: ",") ?? "(all)")
        c.migrateOnServe = try source.bool("PLINTH_MIGRATE_ON_SERVE", default: c.migrateOnServe)
        show("PLINTH_MIGRATE_ON_SERVE", String(c.migrateOnServe))
        c.maxBodySize = try source.bytes("PLINTH_MAX_BODY_SIZE", default: c.maxBodySize)
        show("PLINTH_MAX_BODY_SIZE", String(c.maxBodySize))
        c.corsOrigins = source.list("PLINTH_CORS_ORIGINS") ?? source.string("CLIENT_URL").map { [$0] } ?? c.corsOrigins
        show("PLINTH_CORS_ORIGINS", c.corsOrigins.joined(separator: ","))
        c.apiBaseURL = source.string("API_BASE_URL") ?? c.apiBaseURL
        guard c.apiBaseURL.lowercased().hasPrefix("http://") || c.apiBaseURL.lowercased().hasPrefix("https://") else {
            throw ConfigurationError(key: "API_BASE_URL", reason: "must start with http:// or https://, not '\(c.apiBaseURL)'")
        }
        show("API_BASE_URL", c.apiBaseURL)
        c.sessionExpiry = try source.seconds("SESSION_EXPIRY", default: c.sessionExpiry, minimum: 1)
        show("SESSION_EXPIRY", String(c.sessionExpiry))
        c.sessionIdleTimeout = try source.seconds("SESSION_IDLE_TIMEOUT", default: c.sessionIdleTimeout, minimum: 0)
        show("SESSION_IDLE_TIMEOUT", String(c.sessionIdleTimeout))
        c.sessionPurgeInterval = try source.seconds("PLINTH_SESSION_PURGE_INTERVAL", default: c.sessionPurgeInterval, minimum: 0.01)
        show("PLINTH_SESSION_PURGE_INTERVAL", String(c.sessionPurgeInterval))
        c.realtime.queue = try source.int("PLINTH_REALTIME_QUEUE", default: c.realtime.queue, range: 1...1_000_000)
        show("PLINTH_REALTIME_QUEUE", String(c.realtime.queue))
        c.realtime.replay = try source.int("PLINTH_REALTIME_REPLAY", default: c.realtime.replay, range: 0...100_000)
        show("PLINTH_REALTIME_REPLAY", String(c.realtime.replay))
        c.realtime.replayAge = try source.seconds("PLINTH_REALTIME_REPLAY_AGE", default: c.realtime.replayAge, minimum: 0)
        show("PLINTH_REALTIME_REPLAY_AGE", String(c.realtime.replayAge))
        c.realtime.heartbeat = try source.seconds("PLINTH_REALTIME_HEARTBEAT", default: c.realtime.heartbeat, minimum: 0.01)
        show("PLINTH_REALTIME_HEARTBEAT", String(c.realtime.heartbeat))
        c.realtime.ticketExpiry = try source.seconds("PLINTH_REALTIME_TICKET_EXPIRY", default: c.realtime.ticketExpiry, minimum: 1)
        show("PLINTH_REALTIME_TICKET_EXPIRY", String(c.realtime.ticketExpiry))
        c.shutdownTimeout = try source.seconds("PLINTH_SHUTDOWN_TIMEOUT", default: c.shutdownTimeout, minimum: 0)
        show("PLINTH_SHUTDOWN_TIMEOUT", String(c.shutdownTimeout))
        c.healthTimeout = try source.seconds("PLINTH_HEALTH_TIMEOUT", default: c.healthTimeout, minimum: 0.01)
        show("PLINTH_HEALTH_TIMEOUT", String(c.healthTimeout))
        c.connections.headerTimeout = try source.seconds("PLINTH_HEADER_TIMEOUT", default: c.connections.headerTimeout, minimum: 0.01)
        c.connections.bodyTimeout = try source.seconds("PLINTH_BODY_TIMEOUT", default: c.connections.bodyTimeout, minimum: 0.01)
        c.connections.keepAliveTimeout = try source.seconds("PLINTH_KEEPALIVE_TIMEOUT", default: c.connections.keepAliveTimeout, minimum: 0.01)
        c.connections.maxConnections = try source.int("PLINTH_MAX_CONNECTIONS", default: c.connections.maxConnections, range: 1...1_000_000)
        show("PLINTH_HEADER_TIMEOUT", String(c.connections.headerTimeout))
        show("PLINTH_BODY_TIMEOUT", String(c.connections.bodyTimeout))
        show("PLINTH_KEEPALIVE_TIMEOUT", String(c.connections.keepAliveTimeout))
        show("PLINTH_MAX_CONNECTIONS", String(c.connections.maxConnections))
        c.trustedProxyHops = try source.int("PLINTH_TRUSTED_PROXY_HOPS", default: c.trustedProxyHops, range: 0...10)
        show("PLINTH_TRUSTED_PROXY_HOPS", String(c.trustedProxyHops))
        let level = try source.choice("LOG_LEVEL", default: "info", choices: Logger.Level.allCases.map(\.rawValue) + ["warn", "fatal", "all", "none"])
        c.logLevel = Logger.Level(rawValue: level) ?? ["warn": .warning, "fatal": .critical, "all": .trace, "none": .critical][level] ?? .info
        show("LOG_LEVEL", c.logLevel.rawValue)
        c.logFormat = try source.choice("PLINTH_LOG_FORMAT", default: c.isProduction ? "json" : "text", choices: ["text", "json"])
        show("PLINTH_LOG_FORMAT", c.logFormat)
        c.otlpEndpoint = source.string("OTEL_EXPORTER_OTLP_ENDPOINT")
        if let endpoint = c.otlpEndpoint, URL(string: endpoint)?.host == nil {
            throw ConfigurationError(key: "OTEL_EXPORTER_OTLP_ENDPOINT", reason: "must be a URL such as http://127.0.0.1:4318, not '\(endpoint)'")
        }
        show("OTEL_EXPORTER_OTLP_ENDPOINT", c.otlpEndpoint ?? "(unset: no trace export)")
        c.serviceName = source.string("OTEL_SERVICE_NAME") ?? c.serviceName
        show("OTEL_SERVICE_NAME", c.serviceName)
        c.metricsToken = source.string("PLINTH_METRICS_TOKEN", secret: true)
        if let token = c.metricsToken { show("PLINTH_METRICS_TOKEN", token, secret: true) }
        c.secretKey = try SecretKey.parse(source.string("PLINTH_SECRET_KEY", secret: true), setting: "PLINTH_SECRET_KEY")
        show("PLINTH_SECRET_KEY", c.secretKey.map { "key \($0.id)" } ?? "(unset: a generated key in PLINTH_DATA_DIR/secret.key)", secret: false)
        c.previousSecretKeys = try (source.string("PLINTH_SECRET_KEY_PREVIOUS", secret: true) ?? "")
            .split(separator: ",").map { try SecretKey.parse(String($0).trimmingCharacters(in: .whitespaces), setting: "PLINTH_SECRET_KEY_PREVIOUS")! }
        if !c.previousSecretKeys.isEmpty { show("PLINTH_SECRET_KEY_PREVIOUS", c.previousSecretKeys.map { "key \($0.id)" }.joined(separator: ", ")) }
        c.entries = shown.map { (key: $0.0, value: $0.1) }
        if let refused = DeploymentCheck.findings(c).first(where: { $0.severity == .error }) {
            throw ConfigurationError(key: refused.setting, reason: refused.message + " (PLINTH_ENV=production)")
        }
        return c
    }

    static func databaseConfiguration(_ source: ConfigSource, dataDirectory: String) throws -> DatabaseConfiguration {
        if let url = source.string("DATABASE_URL", secret: true) {
            if url.hasPrefix("sqlite:") {
                let path = String(url.dropFirst("sqlite:".count)).replacingOccurrences(of: "//", with: "")
                guard !path.isEmpty else { throw ConfigurationError(key: "DATABASE_URL", reason: "names no SQLite file (expected sqlite:PATH)") }
                return .init(backend: .sqlite(path: path))
            }
            let sslmode = URLComponents(string: url)?.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
            return .init(backend: .postgres(try DatabaseConfiguration.postgres(url: url)), postgresTLS: PostgresTLSMode(sslmode: sslmode) ?? .prefer)
        }
        if let host = source.string("POSTGRES_HOST") {
            let port = try source.int("POSTGRES_PORT", default: 5432, range: 1...65535)
            let pg = try DatabaseConfiguration.postgres(
                host: host, port: port,
                user: source.string("POSTGRES_USER") ?? "postgres",
                password: source.string("POSTGRES_PASSWORD", secret: true),
                database: source.string("POSTGRES_DB") ?? "parametric",
                ssl: source.string("POSTGRES_SSL") ?? "false"
            )
            return .init(backend: .postgres(pg), postgresTLS: PostgresTLSMode(sslmode: source.string("POSTGRES_SSL") ?? "false") ?? .disable)
        }
        return .init(backend: .sqlite(path: (dataDirectory as NSString).appendingPathComponent("plinth.sqlite")))
    }
}
