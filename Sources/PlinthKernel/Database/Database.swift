import Crypto
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresKit
import PostgresNIO
import SQLiteKit
import SQLKit
import NIOSSL

/// The kernel's database: SQLite (embedded default) or PostgreSQL, behind one SQLKit code path.
///
/// Queries through ``sql`` take a pooled connection, or join the transaction the current task
/// is already in, so code called inside ``transaction(_:)`` takes part in it without being handed
/// the transaction's connection.
///
/// ```swift
/// try await context.database.transaction { db in
///     try await db.raw("INSERT INTO items (name) VALUES (\(bind: name))").run()
///     try await context.events.publish(ItemCreated(name: name)) // same transaction
/// }
/// ```
///
/// Postgres-only powers have single-process SQLite equivalents: ``withClusterLock(_:_:)``
/// (advisory lock / in-process lock), ``notify(channel:payload:)`` and ``listen(channel:)``
/// (LISTEN/NOTIFY / in-process fan-out), ``tenantTransaction(tenant:_:)`` (`set_config` for row
/// level security / a task-local tenant).
public final class Database: Sendable {
    enum Driver: Sendable {
        case sqlite(SQLiteConnectionQueue)
        case postgres(PostgresClient)
    }

    struct Session: Sendable {
        let owner: ObjectIdentifier
        let sql: any SQLDatabase
        let tenant: String?
        let scope: SessionScope
    }

    @TaskLocal static var session: Session?

    public let kind: DatabaseKind
    public let logger: Logger
    /// Prefix for lock keys and notification channels, so kernels sharing a server in separate
    /// schemas never see each other's locks or notifications.
    let namespace: String
    let driver: Driver
    let localLocks = NamedLocks()
    let localNotifications: LocalNotifier
    let usage = DatabasePoolUsage()
    /// The most connections the pool lends at once.
    public var maximumConnections: Int {
        switch driver {
        case .sqlite: 1
        case .postgres: maximumPostgresConnections
        }
    }
    let maximumPostgresConnections: Int

    init(kind: DatabaseKind, driver: Driver, namespace: String, logger: Logger, maximumConnections: Int = 1, notifications: LocalNotifier = LocalNotifier()) {
        self.maximumPostgresConnections = maximumConnections
        localNotifications = notifications
        self.kind = kind
        self.driver = driver
        self.namespace = namespace
        self.logger = logger
    }

    /// Opens the database for the duration of `body`, then closes it.
    ///
    /// For PostgreSQL the pool runs in a child task of this call; it is cancelled when `body` returns.
    public static func withDatabase<T: Sendable>(
        _ configuration: DatabaseConfiguration,
        logger: Logger,
        _ body: (Database) async throws -> T
    ) async throws -> T {
        switch configuration.backend {
        case .sqlite(let path):
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw DatabaseError(message: "cannot create the data folder '\(folder)': \(error.localizedDescription); set PLINTH_DATA_DIR to a writable folder")
            }
            let queue: SQLiteConnectionQueue
            do {
                queue = try await SQLiteConnectionQueue.open(path: path, logger: logger)
            } catch {
                throw DatabaseError(message: "cannot open SQLite database '\(path)': \(DatabaseError.describe(error))")
            }
            // Kernels of one process on one file hear each other, as they would on PostgreSQL.
            let database = Database(kind: .sqlite, driver: .sqlite(queue), namespace: "plinth", logger: logger,
                                    notifications: LocalNotifier.shared(for: URL(fileURLWithPath: path).standardizedFileURL.path))
            do {
                let result = try await body(database)
                try? await queue.close()
                return result
            } catch {
                try? await queue.close()
                throw error
            }
        case .postgres(var postgres):
            try await probe(postgres, tls: configuration.postgresTLS, logger: logger)
            if let schema = configuration.schema {
                postgres.options.additionalStartupParameters.append(("search_path", schema))
            }
            let client = PostgresClient(configuration: postgres, backgroundLogger: logger)
            let namespace = configuration.schema ?? "plinth"
            return try await withThrowingTaskGroup(of: Void.self) { group in
                // The first query waits until the child task is about to call run(): a lease
                // before run() makes postgres-nio warn at every start. run() marks itself running
                // in its first, synchronous step; the short sleep covers the thread hand-off.
                await withCheckedContinuation { (started: CheckedContinuation<Void, Never>) in
                    group.addTask {
                        started.resume()
                        await client.run()
                    }
                }
                try? await Task.sleep(for: .milliseconds(2))
                defer { group.cancelAll() }
                let database = Database(kind: .postgres, driver: .postgres(client), namespace: namespace, logger: logger, maximumConnections: postgres.options.maximumConnections)
                do {
                    _ = try await client.query("SELECT 1", logger: logger)
                } catch {
                    throw DatabaseError(message: "cannot connect to PostgreSQL: \(DatabaseError.describe(error)); check DATABASE_URL or POSTGRES_*")
                }
                if let schema = configuration.schema {
                    try await database.sql.raw("CREATE SCHEMA IF NOT EXISTS \(ident: schema)").run()
                }
                return try await body(database)
            }
        }
    }

    /// Opens and closes one connection, so that a wrong address, password or database name is
    /// reported at once with the server's message (the pool would retry quietly for a minute).
    static func probe(_ postgres: PostgresClient.Configuration, tls mode: PostgresTLSMode, logger: Logger) async throws {
        guard let host = postgres.host else { return }
        let tls: PostgresConnection.Configuration.TLS
        do {
            switch mode {
            case .disable: tls = .disable
            case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        } catch {
            throw DatabaseError(message: "cannot set up TLS for PostgreSQL: \(error)")
        }
        var configuration = PostgresConnection.Configuration(host: host, port: postgres.port ?? 5432, username: postgres.username, password: postgres.password, database: postgres.database, tls: tls)
        configuration.options.connectTimeout = .seconds(Int64(postgres.options.connectTimeout.components.seconds))
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            try await connection.close()
        } catch {
            throw DatabaseError(message: "cannot connect to PostgreSQL at \(host):\(postgres.port ?? 5432) as \(postgres.username): \(DatabaseError.describe(error)); check DATABASE_URL or POSTGRES_*")
        }
    }

    /// An `SQLDatabase` that runs each query on a pooled connection, or in the current task's transaction.
    public var sql: any SQLDatabase { PooledSQLDatabase(database: self) }

    /// The tenant of the transaction the current task is in, if it is tenant-scoped.
    public static var currentTenant: String? { session?.tenant }

    /// The current task's live session on this database, if any.
    var currentSession: Session? {
        guard let session = Self.session, session.owner == ObjectIdentifier(self), session.scope.isLive else { return nil }
        return session
    }

    /// Runs `body` with one connection, or with the connection the current task already holds
    /// (its transaction, or an enclosing `withConnection`), so nested use never waits for itself.
    public func withConnection<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        if let session = currentSession {
            return try await body(session.sql)
        }
        return try await withOwnConnection { sql in
            let session = Session(owner: ObjectIdentifier(self), sql: sql, tenant: nil, scope: SessionScope(transaction: false))
            defer { session.scope.end() }
            return try await Self.$session.withValue(session) { try await body(sql) }
        }
    }

    func withOwnConnection<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        usage.acquire()
        defer { usage.release() }
        switch driver {
        case .sqlite(let queue):
            let connection = await queue.acquire()
            do {
                let result = try await body(connection.sql())
                queue.release()
                return result
            } catch {
                queue.release()
                throw error
            }
        case .postgres(let client):
            return try await client.withConnection { connection in
                try await body(connection.sql(logger: logger))
            }
        }
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    /// Called inside another transaction of this database, it joins that one.
    public func transaction<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await transaction(tenant: nil, body)
    }

    /// Runs `body` in a transaction scoped to `tenant`.
    ///
    /// On PostgreSQL the transaction sets `app.current_tenant` with `set_config(..., true)`, which
    /// row-level-security policies read; on SQLite the tenant is available as ``currentTenant``.
    /// - Throws: ``DatabaseError`` when called inside a transaction scoped to another tenant.
    public func tenantTransaction<T>(tenant: String, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await transaction(tenant: tenant, body)
    }

    private func transaction<T>(tenant: String?, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        if let session = currentSession, session.scope.transaction {
            if let tenant, session.tenant != tenant {
                throw DatabaseError(message: "a transaction for tenant '\(tenant)' cannot join one for tenant '\(session.tenant ?? "none")'")
            }
            return try await body(session.sql)
        }
        if let session = currentSession {
            // Inside withConnection: begin on the connection this task already holds.
            return try await run(transactionOn: session.sql, tenant: tenant, body)
        }
        return try await withOwnConnection { sql in try await run(transactionOn: sql, tenant: tenant, body) }
    }

    private func run<T>(transactionOn sql: any SQLDatabase, tenant: String?, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await sql.raw(kind == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN").run()
        let session = Session(owner: ObjectIdentifier(self), sql: sql, tenant: tenant, scope: SessionScope(transaction: true))
        do {
            if let tenant, kind == .postgres {
                try await sql.raw("SELECT set_config('app.current_tenant', \(bind: tenant), true)").run()
            }
            let result = try await Self.$session.withValue(session) { try await body(sql) }
            let held = session.scope.end()
            if kind == .postgres {
                // NOTIFY inside the transaction: PostgreSQL delivers on commit, and drops on rollback.
                try await sendHeldBack(held, on: sql)
                try await sql.raw("COMMIT").run()
            } else {
                try await sql.raw("COMMIT").run()
                // SQLite's in-process notifications wait for the commit, as PostgreSQL's NOTIFY does.
                for (channel, payload) in held { localNotifications.send(channel: channel, payload: payload) }
            }
            return result
        } catch {
            _ = session.scope.end()
            do { try await sql.raw("ROLLBACK").run() } catch { logger.warning("rollback failed: \(DatabaseError.describe(error))") }
            throw error
        }
    }

    /// A stable 64-bit key for a named lock, the same in every process.
    func lockKey(_ name: String) -> Int64 {
        let digest = SHA256.hash(data: Data("\(namespace):\(name)".utf8))
        return digest.prefix(8).reduce(Int64(0)) { ($0 << 8) | Int64($1) }
    }
}

/// A database failure with the database's own message.
public struct DatabaseError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }

    /// The database's own message for `error`: PostgreSQL's server message and SQLSTATE rather
    /// than PostgresNIO's deliberately generic description, or SQLite's message.
    public static func describe(_ error: any Error) -> String {
        if let psql = error as? PSQLError {
            if let message = psql.serverInfo?[.message] {
                let code = psql.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                return message + code
            }
            return "\(psql.code)" + (psql.underlying.map { ": \($0)" } ?? "")
        }
        if let sqlite = error as? SQLiteError { return sqlite.message }
        return String(describing: error)
    }
}
