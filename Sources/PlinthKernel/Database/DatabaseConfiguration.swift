import Foundation
import PostgresNIO

/// Where the kernel's database lives and how its pool behaves.
public struct DatabaseConfiguration: Sendable {
    public enum Backend: Sendable {
        /// An SQLite file; created with its folder when missing.
        case sqlite(path: String)
        /// A PostgreSQL server.
        case postgres(PostgresClient.Configuration)
    }

    public var backend: Backend
    /// TLS for PostgreSQL as `sslmode` says: `disable`, `prefer` (default) or `require`.
    /// Used by the start-up connection check, which reports the server's own error at once
    /// instead of letting the pool retry in silence.
    public var postgresTLS: PostgresTLSMode = .prefer
    /// PostgreSQL schema the kernel works in (`search_path`). Default `nil`: the server's default.
    /// Tests give each kernel its own schema so that suites can run side by side on one database.
    public var schema: String?

    public init(backend: Backend, schema: String? = nil, postgresTLS: PostgresTLSMode = .prefer) {
        self.backend = backend
        self.postgresTLS = postgresTLS
        self.schema = schema
    }

    public var kind: DatabaseKind {
        if case .sqlite = backend { return .sqlite }
        return .postgres
    }

    /// PostgreSQL pool defaults from the seed: min 2, max 10 connections, 30 s idle, 5 s connect timeout.
    public static func postgresOptions() -> PostgresClient.Configuration.Options {
        var options = PostgresClient.Configuration.Options()
        options.minimumConnections = 2
        options.maximumConnections = 10
        options.connectionIdleTimeout = .seconds(30)
        options.connectTimeout = .seconds(5)
        return options
    }

    /// Parses `postgres://user:password@host:port/db?sslmode=...`.
    /// - Throws: ``ConfigurationError`` naming `key` when the URL is not a PostgreSQL URL.
    public static func postgres(url: String, key: String = "DATABASE_URL") throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url), let scheme = components.scheme,
              ["postgres", "postgresql"].contains(scheme.lowercased()), let host = components.host, !host.isEmpty
        else {
            throw ConfigurationError(key: key, reason: "is not a PostgreSQL URL (expected postgres://USER:PASSWORD@HOST:PORT/DATABASE)")
        }
        let sslmode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        return try postgres(
            host: host, port: components.port ?? 5432,
            user: components.user?.removingPercentEncoding ?? "postgres",
            password: components.password?.removingPercentEncoding,
            database: database.isEmpty ? nil : database,
            ssl: sslmode, key: key
        )
    }

    /// Builds a PostgreSQL configuration from parts (`POSTGRES_HOST`, `POSTGRES_PORT`, ...).
    /// `ssl` is `true`/`require` (TLS required), `prefer`, or `false`/`disable`.
    public static func postgres(host: String, port: Int, user: String, password: String?, database: String?, ssl: String, key: String = "POSTGRES_SSL") throws -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch PostgresTLSMode(sslmode: ssl) {
        case .require: tls = .require(.makeClientConfiguration())
        case .prefer: tls = .prefer(.makeClientConfiguration())
        case .disable: tls = .disable
        case nil: throw ConfigurationError(key: key, reason: "must be true, false, require, prefer or disable, not '\(ssl)'")
        }
        var configuration = PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls)
        configuration.options = postgresOptions()
        return configuration
    }
}

/// How a PostgreSQL connection uses TLS.
public enum PostgresTLSMode: String, Sendable {
    case disable, prefer, require

    /// Reads libpq-style values: true/require/verify-*, prefer/allow, false/disable.
    public init?(sslmode: String) {
        switch sslmode.lowercased() {
        case "true", "1", "require", "verify-full", "verify-ca": self = .require
        case "prefer", "allow": self = .prefer
        case "false", "0", "disable": self = .disable
        default: return nil
        }
    }
}
