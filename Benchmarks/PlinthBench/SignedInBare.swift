import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import JWTKit
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import SQLiteKit
import Synchronization

/// `plinth-bench signed-in-bare`: the signed-in benchmark's bare peer. Hummingbird, jwt-kit and
/// postgres-nio or sqlite-nio with no kernel, on the database `plinth serve` created, verifying
/// the same HS256 tokens and running the statements Plinth runs per request in steady state (its
/// caches warm): the user row for `/api/auth/me`, the session row for a cookie, the jobs page,
/// and for an enqueue the insert with its two notifications in one transaction.
struct SignedInBare {
    struct Claims: JWTPayload {
        var iss: IssuerClaim
        var aud: AudienceClaim
        var sub: SubjectClaim
        var sid: String
        var exp: ExpirationClaim
        var nbf: NotBeforeClaim

        func verify(using algorithm: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired()
            try nbf.verifyNotBefore()
        }
    }

    enum Store: Sendable {
        case postgres(PostgresClient)
        case sqlite(SQLiteConnection)
    }

    struct UserView: Codable { let id: String; let email: String; let name: String?; let emailVerified: Bool; let createdAt: Double }
    struct MeView: Codable { let user: UserView; let method: String; let tenant: String?; let tenants: [String] }
    struct JobView: Codable { let id: Int64; let type: String; let state: String; let tenant: String?; let attempt: Int; let runAt: Double }
    struct JobsView: Codable { let jobs: [JobView] }
    struct EnqueueBody: Codable { let type: String; let payload: [String: String]? }

    static let userColumns = "id, email, name, password_hash, email_verified_at, failed_attempts, locked_until, disabled_at, created_at"
    static let jobColumns = "id, type, payload, tenant, state, priority, attempt, max_attempts, run_at, unique_key, last_error, created_at, started_at, finished_at"

    let store: Store
    let keys: JWTKeyCollection
    let issuer: String
    let audience: String
    let namespace: String
    /// Key hash → tenant, as Plinth keeps key holders.
    let holders = HolderMemo()

    final class HolderMemo: Sendable {
        let map = Mutex<[String: String?]>([:])
    }

    static func run(arguments: [String]) async throws {
        var port = 8090, secret = "", issuer = "plinth-bench", audience = "plinth", sqlite: String?, postgres: String?, schema: String?
        var rest = arguments.makeIterator()
        while let flag = rest.next() {
            switch flag {
            case "--port": port = rest.next().flatMap(Int.init) ?? port
            case "--jwt-secret": secret = rest.next() ?? ""
            case "--issuer": issuer = rest.next() ?? issuer
            case "--audience": audience = rest.next() ?? audience
            case "--sqlite": sqlite = rest.next()
            case "--postgres": postgres = rest.next()
            case "--schema": schema = rest.next()
            default: throw BareError("unknown flag \(flag)")
            }
        }
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256, kid: "plinth-access-1")
        let logger = Logger(label: "bare", factory: { _ in SwiftLogNoOpLogHandler() })
        if let sqlite {
            let connection = try await SQLiteConnection.open(storage: .file(path: sqlite), threadPool: .singleton, logger: logger, on: MultiThreadedEventLoopGroup.singleton.any()).get()
            let peer = SignedInBare(store: .sqlite(connection), keys: keys, issuer: issuer, audience: audience, namespace: "plinth")
            try await peer.serve(port: port, logger: logger)
        } else if let postgres, let url = URLComponents(string: postgres) {
            var configuration = PostgresClient.Configuration(host: url.host ?? "127.0.0.1", port: url.port ?? 5432, username: url.user ?? "postgres",
                                                             password: url.password, database: String(url.path.dropFirst()), tls: .disable)
            if let schema { configuration.options.additionalStartupParameters.append(("search_path", schema)) }
            configuration.options.maximumConnections = 10
            let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
            let peer = SignedInBare(store: .postgres(client), keys: keys, issuer: issuer, audience: audience, namespace: schema ?? "plinth")
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await client.run() }
                try await peer.serve(port: port, logger: logger)
                group.cancelAll()
            }
        } else {
            throw BareError("give --sqlite PATH or --postgres URL")
        }
    }

    func serve(port: Int, logger: Logger) async throws {
        let router = Router()
        router.get("/health") { _, _ in try Self.json(["status": "ok"]) }
        router.get("/api/auth/me") { request, _ in try await me(request) }
        router.get("/api/jobs") { request, _ in try await jobs(request) }
        router.post("/api/jobs") { request, _ in try await enqueue(request) }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
        try await app.runService()
    }

    func subject(_ request: Request) async throws -> String {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { throw HTTPError(.unauthorized) }
        let claims: Claims
        do { claims = try await keys.verify(String(header.dropFirst(7)), as: Claims.self) } catch { throw HTTPError(.unauthorized) }
        guard claims.iss.value == issuer, claims.aud.value.contains(audience) else { throw HTTPError(.unauthorized) }
        return claims.sub.value
    }

    func me(_ request: Request) async throws -> Response {
        let user: String
        let method: String
        if request.headers[.authorization] != nil {
            user = try await subject(request)
            method = "bearer"
        } else if let cookie = request.cookies["plinth_session"]?.value {
            let now = Date().timeIntervalSince1970
            let hash = Self.hex(SHA256.hash(data: Data(cookie.utf8)))
            let sql = "SELECT subject, data, created_at, expires_at, last_seen_at FROM plinth_sessions WHERE id_hash = $1 AND expires_at > $2 AND last_seen_at > $3"
            guard let row = try await first(sql, [.text(hash), .double(now), .double(now - 86_400 * 365)]), let subject = row["subject"] as? String else {
                throw HTTPError(.unauthorized)
            }
            user = subject
            method = "session"
        } else {
            throw HTTPError(.unauthorized)
        }
        guard let row = try await first("SELECT \(Self.userColumns) FROM auth_users WHERE id = $1", [.text(user)]) else { throw HTTPError(.unauthorized) }
        let view = UserView(id: row["id"] as? String ?? "", email: row["email"] as? String ?? "", name: row["name"] as? String,
                            emailVerified: row["email_verified_at"] as? Double != nil, createdAt: row["created_at"] as? Double ?? 0)
        return try Self.json(MeView(user: view, method: method, tenant: nil, tenants: []))
    }

    func jobs(_ request: Request) async throws -> Response {
        let tenant: String
        if let key = request.headers[HTTPField.Name("x-api-key")!] {
            let hash = Self.hex(SHA256.hash(data: Data(key.utf8)))
            if let known = holders.map.withLock({ $0[hash] }) {
                guard let known else { throw HTTPError(.unauthorized) }
                tenant = known
            } else {
                let row = try await first("SELECT tenant_id FROM auth_api_keys WHERE key_hash = $1 AND revoked_at IS NULL", [.text(hash)])
                let found = row?["tenant_id"] as? String
                holders.map.withLock { $0[hash] = .some(found) }
                guard let found else { throw HTTPError(.unauthorized) }
                tenant = found
            }
        } else {
            _ = try await subject(request)
            guard let header = request.headers[HTTPField.Name("x-tenant-id")!] else { throw HTTPError(.forbidden) }
            tenant = header
        }
        let limit = request.uri.queryParameters.get("limit", as: Int.self) ?? 50
        let rows = try await all("SELECT \(Self.jobColumns) FROM jobs_queue WHERE 1 = 1 AND tenant = $1 ORDER BY id DESC LIMIT $2", [.text(tenant), .int(limit)])
        let jobs = rows.map(Self.job)
        return try Self.json(JobsView(jobs: jobs))
    }

    static func job(_ row: [String: any Sendable]) -> JobView {
        let id = row["id"] as? Int64 ?? 0
        let type = row["type"] as? String ?? ""
        let state = row["state"] as? String ?? ""
        let attempt = row["attempt"] as? Int64 ?? 0
        let runAt = row["run_at"] as? Double ?? 0
        return JobView(id: id, type: type, state: state, tenant: row["tenant"] as? String, attempt: Int(attempt), runAt: runAt)
    }

    func enqueue(_ request: Request) async throws -> Response {
        _ = try await subject(request)
        guard let tenant = request.headers[HTTPField.Name("x-tenant-id")!] else { throw HTTPError(.forbidden) }
        var request = request
        let body = try JSONDecoder().decode(EnqueueBody.self, from: try await request.collectBody(upTo: 1 << 20))
        let payload = String(decoding: try JSONEncoder().encode(body.payload ?? [:]), as: UTF8.self)
        let now = Date().timeIntervalSince1970
        let insert = """
            INSERT INTO jobs_queue (type, payload, tenant, state, priority, attempt, max_attempts, run_at, unique_key, created_at)
            VALUES ($1, $2, $3, 'available', 0, 0, 3, $4, NULL, $5) ON CONFLICT DO NOTHING RETURNING id
            """
        let id: Int64
        switch store {
        case .postgres(let client):
            id = try await client.withConnection { connection in
                _ = try await connection.query("BEGIN", logger: connection.logger)
                var query = PostgresQuery(unsafeSQL: insert)
                try query.binds.append(body.type, context: .default)
                try query.binds.append(payload, context: .default)
                try query.binds.append(tenant, context: .default)
                try query.binds.append(now, context: .default)
                try query.binds.append(now, context: .default)
                var id: Int64 = 0
                for try await value in try await connection.query(query, logger: connection.logger).decode(Int64.self) { id = value }
                let event = "{\"id\":\"\(UUID().uuidString)\",\"name\":\"jobs.state\",\"source\":\"jobs\",\"payload\":\"{\\\"id\\\":\(id),\\\"state\\\":\\\"available\\\"}\"}"
                var notify = PostgresQuery(unsafeSQL: "SELECT pg_notify($1, $2), pg_notify($3, $4)")
                try notify.binds.append("\(namespace)_plinth_events", context: .default)
                try notify.binds.append(event, context: .default)
                try notify.binds.append("\(namespace)_jobs_wake", context: .default)
                try notify.binds.append(body.type, context: .default)
                _ = try await connection.query(notify, logger: connection.logger)
                _ = try await connection.query("COMMIT", logger: connection.logger)
                return id
            }
        case .sqlite(let connection):
            _ = try await connection.query("BEGIN IMMEDIATE", [])
            let rows = try await connection.query(insert, [.text(body.type), .text(payload), .text(tenant), .float(now), .float(now)])
            _ = try await connection.query("COMMIT", [])
            id = Int64(rows.first?.column("id")?.integer ?? 0)
        }
        return try Self.json(["id": id], status: .created)
    }

    enum Bind { case text(String), double(Double), int(Int) }

    func first(_ sql: String, _ binds: [Bind]) async throws -> [String: any Sendable]? {
        try await all(sql, binds).first
    }

    /// Rows as column → value (String, Int64, Double or nil), from either driver.
    func all(_ sql: String, _ binds: [Bind]) async throws -> [[String: any Sendable]] {
        switch store {
        case .postgres(let client):
            var query = PostgresQuery(unsafeSQL: sql)
            for bind in binds {
                switch bind {
                case .text(let value): try query.binds.append(value, context: .default)
                case .double(let value): try query.binds.append(value, context: .default)
                case .int(let value): try query.binds.append(value, context: .default)
                }
            }
            var rows: [[String: any Sendable]] = []
            for try await row in try await client.query(query) {
                var values: [String: any Sendable] = [:]
                for cell in row {
                    switch cell.dataType {
                    case .text, .varchar: values[cell.columnName] = try? cell.decode(String.self)
                    case .float4, .float8: values[cell.columnName] = try? cell.decode(Double.self)
                    case .int2, .int4, .int8: values[cell.columnName] = try? cell.decode(Int64.self)
                    default: values[cell.columnName] = try? cell.decode(String.self)
                    }
                }
                rows.append(values)
            }
            return rows
        case .sqlite(let connection):
            let data: [SQLiteData] = binds.map {
                switch $0 {
                case .text(let value): .text(value)
                case .double(let value): .float(value)
                case .int(let value): .integer(value)
                }
            }
            let sql = sql.replacingOccurrences(of: "$", with: "?")
            return try await connection.query(sql, data).map { row in
                var values: [String: any Sendable] = [:]
                for column in row.columns {
                    switch column.data {
                    case .text(let text): values[column.name] = text
                    case .float(let value): values[column.name] = value
                    case .integer(let value): values[column.name] = Int64(value)
                    default: break
                    }
                }
                return values
            }
        }
    }

    static func hex(_ digest: SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in digest { text.append(digits[Int(byte >> 4)]); text.append(digits[Int(byte & 15)]) }
        return String(decoding: text, as: UTF8.self)
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder().encode(value))))
    }
}

struct BareError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
