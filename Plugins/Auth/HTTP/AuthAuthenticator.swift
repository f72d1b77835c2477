import HTTPTypes
import Hummingbird
import PlinthKernel

extension HTTPField.Name {
    /// `x-api-key`: the only place an API key is accepted.
    static let apiKey = Self("x-api-key")!
    /// `x-csrf-token`: required with cookie-authenticated state-changing requests.
    static let csrfToken = Self("x-csrf-token")!
}

/// The kernel's ``RequestAuthenticator`` for this plugin: establishes the caller from, in this
/// order, an `X-API-Key` header, an `Authorization: Bearer` access token, or the session cookie;
/// then the tenant from `X-Tenant-ID`, which must be one the caller belongs to.
///
/// Credentials that do not hold leave the request anonymous with the reason kept for
/// ``PlinthRequestContext/requireIdentity()``, so public routes (login, refresh) still work with
/// a stale header. Refused outright: an API key in the URL, a key over its rate limit, a tenant
/// the caller is not a member of.
struct AuthAuthenticator: RequestAuthenticator {
    static let refreshCookie = "refreshToken"
    static let signInKey = "auth.sign_in"
    static let csrfKey = "auth.csrf"

    let service: AuthService

    func authenticate(_ request: Request, context: inout PlinthRequestContext) async throws {
        context.tenantID = nil
        if request.uri.queryParameters.contains(where: { $0.value.hasPrefix("plk_") }) {
            throw Problem(.unauthorized, type: "api-key-in-url", detail: "API keys are accepted only in the X-API-Key header, never in the URL; revoke this key, it may have been logged")
        }
        var identity: PlinthIdentity?
        if let key = request.headers[.apiKey] {
            identity = try await apiKey(key, context: &context)
        } else if let authorization = request.headers[.authorization] {
            identity = try await bearer(authorization, context: &context)
        } else if let subject = context.session.subject {
            identity = try await session(subject, request: request, context: &context)
        }
        guard var identity else { return }
        let requested = identity.method == .apiKey ? (context.requestedTenantID ?? identity.tenantID) : context.requestedTenantID
        if let requested, !identity.mayActIn(requested) {
            throw Problem(.forbidden, type: "tenant-mismatch", detail: "this API key acts only in its own tenant; drop X-Tenant-ID or use a key of that tenant")
        }
        if let tenant = requested {
            guard let role = try await service.tenants.role(of: identity.subject, in: tenant) else {
                throw Problem(.forbidden, type: "not-a-member", detail: "you are not a member of the tenant in X-Tenant-ID")
            }
            identity.tenantID = tenant
            identity.role = role
            identity.permissions = service.context.permissions.permissions(for: role)
        }
        context.identity = identity
        context.tenantID = identity.tenantID
    }

    /// The sign-in (or key) is live, its user enabled, and the user still a member of the tenant.
    func stillHolds(_ identity: PlinthIdentity) async -> Bool {
        do {
            guard let signIn = identity.signInID else { return false }
            let live = identity.method == .apiKey
                ? try await service.apiKeys.isLive(id: signIn, user: identity.subject)
                : try await service.refresh.isLive(family: signIn, user: identity.subject)
            guard live else { return false }
            guard let tenant = identity.tenantID else { return true }
            return try await service.tenants.role(of: identity.subject, in: tenant) != nil
        } catch {
            // Unknown is not "holds": a stream that cannot check ends, and the client reconnects.
            return false
        }
    }

    private func apiKey(_ key: String, context: inout PlinthRequestContext) async throws -> PlinthIdentity? {
        guard let holder = try await service.apiKeys.resolve(key) else {
            context.authenticationProblem = Problem(.unauthorized, type: "invalid-api-key", detail: "the API key is unknown, revoked or expired")
            return nil
        }
        let usage = try await service.apiKeys.count(key: holder.key)
        var headers: HTTPFields = [
            HTTPField.Name("ratelimit-limit")!: String(usage.limit),
            HTTPField.Name("ratelimit-remaining")!: String(usage.remaining),
            HTTPField.Name("ratelimit-reset")!: String(usage.reset),
        ]
        if usage.exceeded {
            headers[.retryAfter] = String(usage.reset)
            throw Problem(.tooManyRequests, detail: "this API key made \(usage.limit) requests this hour (API_KEY_RATE_LIMIT); try again in \(usage.reset) s", headers: headers)
        }
        context.responseHeaders.append(contentsOf: headers)
        return PlinthIdentity(subject: holder.user, method: .apiKey, tenantID: holder.tenant, scopes: holder.scopes, signInID: holder.key, boundTenantID: holder.tenant)
    }

    private func bearer(_ authorization: String, context: inout PlinthRequestContext) async throws -> PlinthIdentity? {
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            context.authenticationProblem = Problem(.unauthorized, type: "invalid-token", detail: "Authorization must be 'Bearer <access token>'; API keys go in X-API-Key", headers: [.wwwAuthenticate: "Bearer"])
            return nil
        }
        do {
            let claims = try await service.access.verify(String(parts[1]))
            guard try await service.refresh.isLive(family: claims.sid, user: claims.sub.value) else {
                context.authenticationProblem = AccessTokens.invalid("this sign-in has ended; sign in again")
                return nil
            }
            return PlinthIdentity(subject: claims.sub.value, method: .bearer, signInID: claims.sid)
        } catch let problem as Problem {
            context.authenticationProblem = problem
            return nil
        }
    }

    private func session(_ subject: String, request: Request, context: inout PlinthRequestContext) async throws -> PlinthIdentity? {
        let session = context.session
        guard let signIn = session[Self.signInKey], try await service.refresh.isLive(family: signIn, user: subject) else {
            // Signed out elsewhere (sessions list, password change): end the browser session too.
            session.invalidate()
            context.authenticationProblem = Problem(.unauthorized, type: "unauthenticated", detail: "this sign-in has ended; sign in again")
            return nil
        }
        if ![.get, .head, .options].contains(request.method) {
            guard let expected = session[Self.csrfKey], let sent = request.headers[.csrfToken], SecretToken.constantTimeEquals(expected, sent) else {
                context.authenticationProblem = Problem(.forbidden, type: "csrf", detail: "cookie-authenticated requests that change state need the X-CSRF-Token header from the login response")
                return nil
            }
        }
        return PlinthIdentity(subject: subject, method: .session, signInID: signIn)
    }
}
