import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
@testable import PlinthAuth
import PlinthKernel
import PlinthTesting

/// An HTTP answer reduced to what the tests look at.
struct Answer: Sendable {
    let status: Int
    let headers: HTTPFields
    let text: String

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }
    func string(_ key: String) -> String? { json[key] as? String }
    /// The JSON pointers a 422 validation answer lists in `errors`.
    var pointers: [String] { (json["errors"] as? [[String: String]])?.compactMap { $0["pointer"] } ?? [] }
    /// The problem's `type` slug (`invalid-grant`), or nil.
    var problem: String? { string("type").map { String($0.split(separator: "/").last ?? "") } }
    /// Every `Set-Cookie` line.
    var cookies: [String] { headers[values: .setCookie] }
    func cookie(_ name: String) -> String? {
        cookies.first { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1).prefix { $0 != ";" }) }
    }
}

/// Tokens from a bearer-mode sign-in.
struct SignedIn: Sendable {
    let access: String
    let refresh: String
    let user: String
    var bearer: [String: String] { ["authorization": "Bearer \(access)"] }
}

/// A client for the auth routes with JSON in and out.
struct AuthClient: Sendable {
    let client: any TestClientProtocol
    /// The kernel's mail outbox (`$PLINTH_DATA_DIR/mail-outbox`), where verification links land.
    var outbox: String?

    func call(_ method: HTTPRequest.Method, _ path: String, json: [String: any Sendable]? = nil, headers: [String: String] = [:]) async throws -> Answer {
        var fields = HTTPFields()
        for (name, value) in headers { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        var body: ByteBuffer?
        if let json {
            fields[.contentType] = "application/json"
            body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json))
        }
        return try await client.execute(uri: path, method: method, headers: fields, body: body) { response in
            Answer(status: Int(response.status.code), headers: response.headers, text: String(buffer: response.body))
        }
    }

    func post(_ path: String, _ json: [String: any Sendable] = [:], headers: [String: String] = [:]) async throws -> Answer {
        try await call(.post, path, json: json, headers: headers)
    }

    func get(_ path: String, headers: [String: String] = [:]) async throws -> Answer {
        try await call(.get, path, headers: headers)
    }

    func register(_ email: String, _ password: String = AuthHarness.password) async throws {
        let answer = try await post("/api/auth/register", ["email": email, "password": password])
        guard answer.status == 202 else { throw HarnessError("register \(email): \(answer.status) \(answer.text)") }
    }

    func login(_ email: String, _ password: String = AuthHarness.password) async throws -> SignedIn {
        let answer = try await post("/api/auth/login", ["email": email, "password": password])
        guard answer.status == 200, let access = answer.string("accessToken"), let refresh = answer.string("refreshToken"),
              let user = (answer.json["user"] as? [String: Any])?["id"] as? String else {
            throw HarnessError("login \(email): \(answer.status) \(answer.text)")
        }
        return SignedIn(access: access, refresh: refresh, user: user)
    }

    /// Registers, verifies the address with the link from the outbox, and signs in: an account
    /// that may do everything (``verify(_:)``).
    func signUp(_ email: String) async throws -> SignedIn {
        try await register(email)
        try await verify(email)
        return try await login(email)
    }

    /// Follows the verification link mailed to `email`.
    func verify(_ email: String) async throws {
        guard let outbox else { throw HarnessError("verify \(email): this client has no outbox") }
        let token = try await MailOutbox(folder: outbox).token(to: email.lowercased(), subject: "Verify your email address")
        let answer = try await post("/api/auth/email/verify", ["token": token])
        guard answer.status == 204 else { throw HarnessError("verify \(email): \(answer.status) \(answer.text)") }
    }

    /// Adds `member` to `tenant` as `role` the way it is done: `inviter` invites the address,
    /// `member` accepts.
    func addMember(_ member: SignedIn, _ email: String, role: String, to tenant: String, by inviter: SignedIn) async throws {
        let invited = try await post("/api/tenants/\(tenant)/members", ["email": email, "role": role], headers: inviter.bearer)
        guard invited.status == 202, let id = invited.string("id") else { throw HarnessError("invite \(email): \(invited.status) \(invited.text)") }
        let accepted = try await post("/api/tenants/invitations/\(id)/accept", [:], headers: member.bearer)
        guard accepted.status == 201 else { throw HarnessError("accept \(email): \(accepted.status) \(accepted.text)") }
    }

    /// Creates a tenant as `owner`; returns its id.
    func tenant(_ name: String, owner: SignedIn) async throws -> String {
        let answer = try await post("/api/tenants", ["name": name], headers: owner.bearer)
        guard answer.status == 201, let id = answer.string("tenant") else { throw HarnessError("tenant: \(answer.status) \(answer.text)") }
        return id
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The parts of a running kernel a test reaches for beside HTTP (the kernel itself holds the
/// router, which is not `Sendable`).
struct KernelParts: Sendable {
    let database: Database
    let audit: AuditLog
    let sessions: SessionStore
    let services: ServiceRegistry
    let configuration: KernelConfiguration

    init(_ kernel: RunningKernel) {
        database = kernel.database
        audit = kernel.audit
        sessions = kernel.sessions
        services = kernel.services
        configuration = kernel.configuration
    }
}

/// Boots a kernel with the auth plugin (and any fixtures) on a throwaway database.
enum AuthHarness {
    static let password = "correct horse battery staple"
    static let jwtSecret = "test-access-secret-0123456789-abcdefghij"
    static let refreshSecret = "test-refresh-secret-0123456789-abcdefghij"

    /// Fast bcrypt for tests that are not about bcrypt; fixed secrets so tests can forge tokens.
    static let environment = ["BCRYPT_ROUNDS": "4", "JWT_SECRET": jwtSecret, "JWT_REFRESH_SECRET": refreshSecret]

    static func run<T: Sendable>(
        backend: TestBackend, environment extra: [String: String] = [:], plugins: [PluginEntry] = [], clock: any KernelClock = SystemClock(),
        logs: LogCapture? = nil, schema: String? = nil, options: Kernel.RunOptions = .init(), live: Bool = false,
        _ body: @escaping @Sendable (AuthClient, KernelParts) async throws -> T
    ) async throws -> T {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var env = environment.merging(["PLINTH_DATA_DIR": folder]) { $1 }
        env.merge(extra) { $1 }
        return try await TestKernel.run(plugins: [PluginEntry(AuthPlugin.self)] + plugins, backend: backend, environment: env, schema: schema, clock: clock, logs: logs, options: options) { kernel in
            let parts = KernelParts(kernel)
            let outbox = MailOutbox(dataDirectory: env["PLINTH_DATA_DIR"] ?? folder).folder
            // Live: over a loopback socket, so requests have a client address (rate limits count it).
            if live { return try await kernel.testLive { client in try await body(AuthClient(client: client, outbox: outbox), parts) } }
            return try await kernel.test { client in try await body(AuthClient(client: client, outbox: outbox), parts) }
        }
    }

    /// Drops a PostgreSQL schema that kernels shared through `schema:` (they leave it behind).
    static func dropSchema(_ schema: String, backend: TestBackend) async throws {
        guard case .postgres = backend else { return }
        try await TestKernel.run(plugins: [], backend: backend, schema: schema, options: .init(migrate: false, boot: false, mount: false)) { kernel in
            try await kernel.database.sql.raw("DROP SCHEMA IF EXISTS \(ident: schema) CASCADE").run()
        }
    }

    /// The newest mail in the kernel's outbox, once the mail queue has sent what it holds, and
    /// the token of the link in it.
    static func lastMail(_ kernel: KernelParts) async throws -> (text: String, token: String?) {
        await kernel.services.resolve(AuthService.self)?.mail.settled()
        let folder = (kernel.configuration.dataDirectory as NSString).appendingPathComponent("mail-outbox")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        guard let last = files.last else { throw HarnessError("no mail in \(folder)") }
        let text = try String(contentsOfFile: (folder as NSString).appendingPathComponent(last), encoding: .utf8)
        let token = text.range(of: "token=").map { String(text[$0.upperBound...].prefix { $0.isHexDigit }) }
        return (text, token)
    }
}
