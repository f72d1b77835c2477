import Crypto
import Foundation
import NIOPosix
import PlinthKernel
import SQLKit
import Synchronization

/// Accounts, passwords, JWT access and rotating refresh tokens, browser sessions, API keys,
/// tenants and roles: the identity every other plugin relies on.
///
/// It installs the kernel's ``RequestAuthenticator``, so every route of every plugin sees
/// ``PlinthRequestContext/identity`` and a verified ``PlinthRequestContext/tenantID``; routes
/// call `context.requireIdentity()` or `context.requirePermission("...")`. It provides
/// ``AuthService`` (external sign-in, second factor) and ``Mailer``. Settings: see
/// ``AuthConfiguration``.
public struct AuthPlugin: SaaSPlugin {
    public static let manifest = PluginManifest(
        id: "auth", name: "Auth",
        version: "1.0.0",
        description: "Accounts, passwords, JWT and refresh tokens, sessions, API keys, tenants and roles",
        kernelAPI: "^1.0.0", basePath: "/api"
    )

    let configuration: AuthConfiguration
    let mail: MailConfiguration
    let state = AuthState()

    public init(context: PluginContext) throws {
        configuration = try AuthConfiguration.load(context.config, kernel: context.kernel)
        mail = try MailConfiguration.load(context.config.environment)
    }

    public var migrations: [Migration] { AuthSchema.migrations }

    public func provide(_ context: PluginContext) async throws {
        var jwtSecret = configuration.jwtSecret ?? ""
        if jwtSecret.isEmpty { jwtSecret = try await Self.storedSecret("jwt_secret", context: context) }
        var refreshSecret = configuration.refreshSecret ?? ""
        if refreshSecret.isEmpty { refreshSecret = try await Self.storedSecret("jwt_refresh_secret", context: context) }
        let access = await AccessTokens(secret: jwtSecret, issuer: configuration.issuer, audience: configuration.audience, lifetime: configuration.accessExpiry, clock: context.clock)
        let mailer: any Mailer = mail.host.map { _ in SMTPMailer(configuration: mail, logger: context.logger) }
            ?? OutboxMailer(folder: (context.kernel.dataDirectory as NSString).appendingPathComponent("mail-outbox"), from: mail.from, logger: context.logger)
        let service = AuthService(configuration: configuration, context: context, access: access, secret: SecretToken(key: SymmetricKey(data: Data(refreshSecret.utf8))), mailer: mailer)
        state.set(service)
        try context.provide(AuthService.self, service)
        try context.provide((any Mailer).self, mailer)
        try context.provide((any RequestAuthenticator).self, AuthAuthenticator(service: service))
        try context.declarePermission(TenantRoutes.readMembers, "see a tenant's members and their roles", roles: ["owner", "admin", "member"])
        try context.declarePermission(TenantRoutes.manageMembers, "add and remove members and change their roles", roles: ["owner", "admin"])
        try context.declarePermission(TenantRoutes.delete, "delete the tenant", roles: ["owner"])
    }

    public func mount(_ routes: PluginRoutes, context: PluginContext) throws {
        guard let service = state.service else { throw KernelStartupError("plugin 'auth' mounted before it provided its services") }
        try routes.add(SignInRoutes(service: service).routes)
        try routes.add(PasswordRoutes(service: service).routes)
        try routes.add(EmailRoutes(service: service).routes)
        try routes.add(APIKeyRoutes(service: service).routes)
        try routes.add(SessionRoutes(service: service).routes)
        try routes.add(TenantRoutes(service: service).routes)
    }

    public func boot(_ context: PluginContext) async throws {
        guard let service = state.service else { throw KernelStartupError("plugin 'auth' booted before it provided its services") }
        context.addService(service.mail)
        // The decoy hash (what login verifies an unknown account against) costs a bcrypt run:
        // made on a pool thread beside boot, so that start-up does not wait for it.
        let hasher = PasswordHasher(rounds: configuration.bcryptRounds)
        Task.detached { _ = try? await PasswordHasher.pool.runIfActive { hasher.decoy } }
        try await DatabaseRoleCheck.run(context)
        if configuration.jwtSecret == nil {
            context.logger.warning("JWT_SECRET and JWT_REFRESH_SECRET are not set: using random secrets kept in the database (set both in production)")
        }
    }

    /// A secret generated on first start and kept in `auth_secrets`, so that every instance and
    /// every restart sign and check with the same one. Outside production only.
    static func storedSecret(_ name: String, context: PluginContext) async throws -> String {
        let fresh = SecretToken.random(bytes: 48)
        let sql = context.database.sql
        switch context.database.kind {
        case .postgres:
            try await sql.raw("INSERT INTO auth_secrets (name, value) VALUES (\(bind: name), \(bind: fresh)) ON CONFLICT (name) DO NOTHING").run()
        case .sqlite:
            try await sql.raw("INSERT OR IGNORE INTO auth_secrets (name, value) VALUES (\(bind: name), \(bind: fresh))").run()
        }
        guard let value = try await sql.raw("SELECT value FROM auth_secrets WHERE name = \(bind: name)").first()?.decode(column: "value", as: String.self) else {
            throw KernelStartupError("plugin 'auth' could not read its generated \(name) from auth_secrets")
        }
        return value
    }
}

/// What `provide` builds and `mount` uses; the plugin value itself is immutable.
final class AuthState: Sendable {
    private let value = Mutex<AuthService?>(nil)
    var service: AuthService? { value.withLock { $0 } }
    func set(_ service: AuthService) { value.withLock { $0 = service } }
}
