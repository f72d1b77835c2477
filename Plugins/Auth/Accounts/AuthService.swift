import Foundation
import HTTPTypes
import Hummingbird
import PlinthKernel
import SQLKit
import Synchronization

/// The auth plugin's service for other plugins (provided as `AuthService`): sign a user in
/// after another provider vouched for them, interpose a second factor, find accounts.
///
/// ```swift
/// // in an OAuth plugin's callback, once the id_token is verified:
/// let auth = try context.require(AuthService.self)
/// return try await auth.signIn(external: ExternalIdentity(issuer: iss, subject: sub, email: email, emailVerified: true),
///                              mode: .cookie, request: request, context: requestContext)
/// ```
public final class AuthService: Sendable {
    /// How the client keeps its refresh token.
    public enum SignInMode: String, Sendable, Codable, CaseIterable, SchemaEnum {
        /// In the response body; the client sends it back in `POST /api/auth/refresh`.
        case bearer
        /// In the `refreshToken` cookie (HttpOnly, Secure, SameSite=Strict), with a kernel
        /// browser session beside it.
        case cookie
    }

    let configuration: AuthConfiguration
    let context: PluginContext
    let users: UserStore
    let refresh: RefreshTokens
    let access: AccessTokens
    let oneTime: OneTimeTokens
    let apiKeys: APIKeys
    let tenants: Tenants
    let invitations: Invitations
    let passwords: PasswordHasher
    let policy: PasswordPolicy
    let mailer: any Mailer
    /// Where mail work goes, off the request (``MailQueue``); runs from boot.
    let mail: MailQueue
    let limits: AuthRateLimits
    /// The signed-in path's caches, dropped on every instance by the stores that change them.
    let caches: AuthCaches
    private let secondFactor = Mutex<(any SecondFactor)?>(nil)

    /// Seconds a second-factor challenge stays open.
    static let challengeLifetime = 300.0

    init(configuration: AuthConfiguration, context: PluginContext, access: AccessTokens, secret: SecretToken, mailer: any Mailer) {
        self.configuration = configuration
        self.context = context
        let database = context.database
        let clock = context.clock
        let caches = AuthCaches(context.caches)
        self.caches = caches
        users = UserStore(database: database, clock: clock, caches: caches)
        refresh = RefreshTokens(database: database, clock: clock, secret: secret, configuration: configuration, caches: caches)
        self.access = access
        oneTime = OneTimeTokens(database: database, clock: clock, secret: secret, lifetime: configuration.resetExpiry, length: configuration.resetTokenLength)
        apiKeys = APIKeys(database: database, clock: clock, defaultLifetime: configuration.apiKeyExpiry, caches: caches,
                          usage: APIKeyUsage(database: database, clock: clock, limit: configuration.apiKeyRateLimit, logger: context.logger))
        tenants = Tenants(database: database, clock: clock, caches: caches)
        invitations = Invitations(database: database, clock: clock, caches: caches, lifetime: configuration.invitationExpiry)
        passwords = PasswordHasher(rounds: configuration.bcryptRounds)
        mail = MailQueue(logger: context.logger)
        limits = AuthRateLimits(database: database, clock: clock, rules: configuration.rateLimits)
        policy = PasswordPolicy(minLength: configuration.passwordMinLength, maxLength: configuration.passwordMaxLength, blocklist: configuration.passwordBlocklist)
        self.mailer = mailer
    }

    /// Installs the second factor asked for at every sign-in of users it covers. One at most.
    /// - Throws: ``KernelStartupError`` when one is installed already.
    public func install(secondFactor factor: any SecondFactor) throws {
        let taken = secondFactor.withLock { current -> Bool in
            if current != nil { return true }
            current = factor
            return false
        }
        if taken { throw KernelStartupError("a second factor is already installed in the auth plugin; enable only one MFA plugin") }
    }

    /// Signs in the account that `external` belongs to, creating or linking it on first use.
    ///
    /// Accounts are found by (issuer, subject) only. A first sign-in links to an existing
    /// account with the same email only when the provider verified that email; an unverified
    /// email that is taken is refused (409) rather than linked.
    public func signIn(external: ExternalIdentity, mode: SignInMode, request: Request, context: PlinthRequestContext) async throws -> Response {
        let user = try await account(for: external, requestID: context.requestID)
        return try await signIn(user: user, mode: mode, request: request, context: context, method: "external:\(external.issuer)")
    }

    /// The account `external` belongs to (see ``signIn(external:mode:request:context:)``).
    public func accountID(for external: ExternalIdentity) async throws -> String {
        try await account(for: external, requestID: nil).id
    }

    func account(for external: ExternalIdentity, requestID: String?) async throws -> User {
        let sql = self.context.database.sql
        if let row = try await sql.raw("SELECT user_id FROM auth_external_identities WHERE issuer = \(bind: external.issuer) AND subject = \(bind: external.subject)").first(),
           let user = try await users.find(id: try row.decode(column: "user_id", as: String.self)) {
            return user
        }
        let user: User
        if let email = external.email, let existing = try await users.find(email: email) {
            guard external.emailVerified else {
                throw Problem(.conflict, type: "account-exists", detail: "an account with this email exists; sign in with your password and link the provider from your account")
            }
            user = existing
        } else if let created = try await users.create(email: external.email ?? "\(external.subject)@\(URL(string: external.issuer)?.host ?? "external").invalid", name: external.name, passwordHash: nil, emailVerified: external.emailVerified) {
            user = created
        } else {
            throw Problem(.conflict, type: "account-exists", detail: "an account with this email exists")
        }
        let now = self.context.clock.now.timeIntervalSince1970
        try await sql.raw("""
            INSERT INTO auth_external_identities (issuer, subject, user_id, created_at)
            VALUES (\(bind: external.issuer), \(bind: external.subject), \(bind: user.id), \(bind: now))
            """).run()
        try await self.context.audit("auth.identity.linked", actor: user.id, target: external.issuer, requestID: requestID)
        return user
    }

    /// The user a second-factor challenge belongs to, without using it up.
    public func challengedUser(_ challenge: String) async throws -> String? {
        let now = context.clock.now.timeIntervalSince1970
        return try await context.database.sql.raw("""
            SELECT user_id FROM auth_one_time_tokens
            WHERE token_hash = \(bind: refresh.secret.hash(challenge)) AND purpose = 'second_factor' AND used_at IS NULL AND expires_at > \(bind: now)
            """).first()?.decode(column: "user_id", as: String.self)
    }

    /// Finishes a sign-in held at the second factor: uses up `challenge` and answers as the
    /// login would have (tokens, cookies).
    /// - Throws: 401 `invalid-challenge` when it is unknown, used or expired.
    public func completeChallenge(_ challenge: String, request: Request, context: PlinthRequestContext) async throws -> Response {
        let now = self.context.clock.now.timeIntervalSince1970
        guard let row = try await self.context.database.sql.raw("""
            UPDATE auth_one_time_tokens SET used_at = \(bind: now)
            WHERE token_hash = \(bind: refresh.secret.hash(challenge)) AND purpose = 'second_factor' AND used_at IS NULL AND expires_at > \(bind: now)
            RETURNING user_id, detail
            """).first(),
              let user = try await users.find(id: try row.decode(column: "user_id", as: String.self)), !user.disabled else {
            throw Problem(.unauthorized, type: "invalid-challenge", detail: "the sign-in challenge is unknown, used or expired; sign in again")
        }
        let mode = SignInMode(rawValue: try row.decode(column: "detail", as: String?.self) ?? "") ?? .bearer
        return try await issueTokens(user: user, mode: mode, request: request, context: context, method: "second_factor")
    }

    /// After the password (or an external provider) proved who the user is: a second-factor
    /// challenge when one is installed and required, otherwise tokens.
    func signIn(user: User, mode: SignInMode, request: Request, context: PlinthRequestContext, method: String) async throws -> Response {
        if let factor = secondFactor.withLock({ $0 }), try await factor.isRequired(user: user.id) {
            let challenge = SecretToken.random()
            let now = self.context.clock.now.timeIntervalSince1970
            try await self.context.database.sql.raw("""
                INSERT INTO auth_one_time_tokens (id, user_id, purpose, token_hash, detail, created_at, expires_at)
                VALUES (\(bind: UUID().uuidString.lowercased()), \(bind: user.id), 'second_factor', \(bind: refresh.secret.hash(challenge)),
                        \(bind: mode.rawValue), \(bind: now), \(bind: now + Self.challengeLifetime))
                """).run()
            try await self.context.audit("auth.login.challenged", actor: user.id, metadata: ["method": method], requestID: context.requestID)
            return try AuthJSON.response(.ok, SecondFactorChallenge(mfaRequired: true, challengeToken: challenge, expiresIn: Int(Self.challengeLifetime)))
        }
        return try await issueTokens(user: user, mode: mode, request: request, context: context, method: method)
    }

    /// Starts a sign-in: a refresh-token family, an access token, and in cookie mode the
    /// browser session (its id rotated: no session fixation) and the `refreshToken` cookie.
    func issueTokens(user: User, mode: SignInMode, request: Request, context: PlinthRequestContext, method: String) async throws -> Response {
        let issued = try await refresh.issue(user: user.id, mode: mode.rawValue, userAgent: request.headers[.userAgent])
        let token = try await access.issue(user: user.id, signIn: issued.family)
        var csrf: String?
        if mode == .cookie {
            let session = context.session
            if session.exists { session.rotate() }
            session.subject = user.id
            session[AuthAuthenticator.signInKey] = issued.family
            csrf = SecretToken.random()
            session[AuthAuthenticator.csrfKey] = csrf
        }
        try await self.context.audit("auth.login.succeeded", actor: user.id, metadata: ["method": method, "mode": mode.rawValue], requestID: context.requestID)
        try await self.context.publish(UserSignedIn(userID: user.id, method: method))
        let body = TokenResponse(
            accessToken: token.token, tokenType: "Bearer", expiresIn: token.expiresIn,
            refreshToken: mode == .bearer ? issued.token : nil, csrfToken: csrf, user: UserView(user)
        )
        var response = try AuthJSON.response(.ok, body)
        if mode == .cookie { response.headers.append(refreshCookie(issued.token)) }
        return response
    }

    /// The `refreshToken` cookie: HttpOnly, Secure, SameSite=Strict, sent only to `/api/auth`.
    func refreshCookie(_ token: String?) -> HTTPField {
        let maxAge = token == nil ? 0 : Int(configuration.refreshCookieMaxAge)
        return HTTPField(name: .setCookie, value: "\(AuthAuthenticator.refreshCookie)=\(token ?? ""); Path=/api/auth; Max-Age=\(maxAge); HttpOnly; Secure; SameSite=Strict")
    }

    /// Queues `work` (``MailQueue``): the request answers without waiting for it, so the answer
    /// never depends on whether, or how fast, mail went out; that would tell who has an account.
    func inBackground(_ what: String, _ work: @escaping @Sendable () async throws -> Void) {
        let logger = context.logger
        mail.submit {
            do { try await work() } catch {
                logger.error("\(what) failed; the user can ask again", metadata: ["error": "\(DatabaseError.describe(error))"])
            }
        }
    }

    /// Sends `message` from the queue; a failure is logged and not passed on.
    func deliver(_ message: MailMessage) {
        let mailer = self.mailer
        inBackground("mail '\(message.subject)'") { try await mailer.send(message) }
    }

    /// Disables `user`: no more sign-ins, and every sign-in, browser session and API key of theirs
    /// ends at once. For administration plugins.
    public func disable(user: String) async throws {
        try await users.setDisabled(user: user, true)
        try await signOutEverywhere(user: user, reason: "account_disabled")
        try await context.audit("auth.account.disabled", target: user)
    }

    /// Ends every credential of `user`: sign-ins, browser sessions and API keys. A password reset
    /// or change calls it, so that nothing made before (by whoever knew the old password, or
    /// registered the address first) outlives it.
    func signOutEverywhere(user: String, reason: String) async throws {
        try await refresh.revokeAll(user: user, reason: reason)
        try await context.sessions.destroyAll(subject: user)
        try await apiKeys.revokeAll(user: user)
    }

    /// Refuses `action` to an account whose email is not verified, unless
    /// `PLINTH_AUTH_UNVERIFIED_ACCOUNTS=allowed`.
    /// - Throws: 403 `email-unverified`.
    func requireVerified(_ identity: PlinthIdentity, to action: String) async throws {
        guard configuration.unverifiedAccounts != .allowed else { return }
        guard let user = try await users.find(id: identity.subject), user.emailVerified else { throw Self.unverified(action) }
    }

    static func unverified(_ action: String) -> Problem {
        Problem(.forbidden, type: "email-unverified", detail: "verify your email address before you \(action): follow the link in the mail we sent, or ask for a new one with POST /api/auth/email/verify/request")
    }
}

/// Published on the event bus after every successful sign-in.
public struct UserSignedIn: KernelEvent {
    public static let name = "auth.user.signed_in"
    public let userID: String
    public let method: String
}

/// Published when an account is created.
/// A tenant was deleted: plugins that keep data per tenant remove theirs.
public struct TenantDeleted: KernelEvent {
    public static let name = "auth.tenant.deleted"
    public let tenantID: String
}

public struct UserCreated: KernelEvent {
    public static let name = "auth.user.created"
    public let userID: String
}
