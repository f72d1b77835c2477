import Crypto
import Foundation
import NIOPosix
import PlinthKernel
import SQLKit

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

    /// Where the secrets generated when `JWT_SECRET` / `JWT_REFRESH_SECRET` are unset are kept, sealed.
    static let generatedSecrets = SealedColumn(plugin: "auth", table: "auth_secrets", key: "name", value: "value")

    public init(context: PluginContext) throws {
        configuration = try AuthConfiguration.load(context.config, kernel: context.kernel)
        mail = try MailConfiguration.load(context.config.environment)
    }

    public var migrations: [Migration] { AuthSchema.migrations }

    public func provide(_ context: PluginContext) async throws -> AuthService {
        let access = AccessTokens(issuer: configuration.issuer, audience: configuration.audience, lifetime: configuration.accessExpiry, clock: context.clock)
        let mailer: any Mailer = mail.host.map { _ in SMTPMailer(configuration: mail, logger: context.logger) }
            ?? OutboxMailer(folder: (context.kernel.dataDirectory as NSString).appendingPathComponent("mail-outbox"), from: mail.from, logger: context.logger)
        let refreshKey = BootValue<SymmetricKey>("the auth plugin's refresh secret")
        let service = AuthService(configuration: configuration, context: context, access: access, secret: SecretToken(secret: refreshKey), mailer: mailer)
        try context.provide(AuthService.self, service)
        try context.provide((any Mailer).self, mailer)
        try context.provide((any RequestAuthenticator).self, AuthAuthenticator(service: service))
        try context.declarePermission(TenantRoutes.readMembers, "see a tenant's members and their roles", roles: ["owner", "admin", "member"])
        try context.declarePermission(TenantRoutes.manageMembers, "add and remove members and change their roles", roles: ["owner", "admin"])
        try context.declarePermission(TenantRoutes.delete, "delete the tenant", roles: ["owner"])
        context.secrets.declare(Self.generatedSecrets)
        return service
    }

    public func mount(_ routes: PluginRoutes, provided service: AuthService, context: PluginContext) throws {
        try routes.add(SignInRoutes(service: service).routes)
        try routes.add(PasswordRoutes(service: service).routes)
        try routes.add(EmailRoutes(service: service).routes)
        try routes.add(APIKeyRoutes(service: service).routes)
        try routes.add(SessionRoutes(service: service).routes)
        try routes.add(TenantRoutes(service: service).routes)
    }

    public func boot(_ service: AuthService, context: PluginContext) async throws {
        let jwtSecret = try await secret(configuration.jwtSecret, generated: "jwt_secret", context: context)
        let refreshSecret = try await secret(configuration.refreshSecret, generated: "jwt_refresh_secret", context: context)
        await service.access.install(secret: jwtSecret)
        service.refresh.secret.secret.set(SymmetricKey(data: Data(refreshSecret.utf8)))
        context.addService(service.mail)
        context.addService(service.apiKeys.usage)
        // The decoy hash (what login verifies an unknown account against) costs a bcrypt run:
        // made on a pool thread beside boot, so that start-up does not wait for it.
        let hasher = PasswordHasher(rounds: configuration.bcryptRounds)
        Task.detached { _ = try? await PasswordHasher.pool.runIfActive { hasher.decoy } }
        try await DatabaseRoleCheck.run(context)
        if configuration.jwtSecret == nil {
            context.logger.warning("JWT_SECRET and JWT_REFRESH_SECRET are not set: using random secrets kept in the database (set both in production)")
        }
    }

    /// `configured`, or a secret generated on first start and kept sealed in `auth_secrets`, so
    /// that every instance and every restart sign and check with the same one. Outside production only.
    private func secret(_ configured: String?, generated name: String, context: PluginContext) async throws -> String {
        if let configured, !configured.isEmpty { return configured }
        do {
            return try await context.secrets.generated(name, in: Self.generatedSecrets, database: context.database) { SecretToken.random(bytes: 48) }
        } catch let error as SecretStoreError {
            throw KernelStartupError("plugin 'auth' cannot read its generated \(name): \(error)", code: .boot, plugin: "auth")
        }
    }
}
