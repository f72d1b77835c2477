import Foundation
import HTTPTypes
import Hummingbird
import PlinthKernel

/// `POST register`, `login`, `refresh`, `logout` and `GET me` under `/api/auth`.
struct SignInRoutes {
    let service: AuthService

    struct RegisterBody: Decodable, Sendable {
        let email: String
        let password: String
        let name: String?
    }

    struct LoginBody: Decodable, Sendable, SchemaDescribing {
        let email: String
        let password: String
        let mode: AuthService.SignInMode?

        static var schema: Schema {
            .derived(from: Self.self) {
                $0["email"]?.maxLength = 254
                $0["password"]?.maxLength = 4096
                $0["mode"]?.description = "bearer (default): tokens in the body; cookie: the refresh token as an HttpOnly cookie and a browser session"
                $0.example = ["email": "ann@example.com", "password": "correct horse battery staple"]
            }
        }
    }

    struct RefreshBody: Decodable, Sendable {
        let refreshToken: String?
    }

    /// What registration and the other mail-sending routes answer.
    struct Accepted: Codable, Sendable {
        let status: String
        let detail: String?
    }

    /// Registration answers the same whether or not the email is taken, so it cannot be used to
    /// find accounts; the owner of a taken address gets a mail saying someone tried.
    static let registered = ["status": "accepted", "detail": "check your inbox to verify your email address, then sign in"]

    static let invalidCredentials = Problem(.unauthorized, type: "invalid-credentials", detail: "the email or password is incorrect, or the account is locked")

    var routes: [Route] {
        let policy = service.policy
        return [
            Route.post("auth/register", id: "auth.register", "Create an account")
                .describe("Answers 202 the same whether or not the address has an account; a mail with a verification link goes to the address.")
                .requires(.public)
                .body(RegisterBody.self) { schema in
                    schema["email"] = Schema.email.described("the address to sign in with; it gets a verification mail")
                    schema["email"]?.maxLength = 254
                    schema["password"] = policy.schema
                    schema["name"]?.maxLength = 100
                    schema.example = ["email": "ann@example.com", "password": "correct horse battery staple", "name": "Ann"]
                }
                .responds(.accepted, Accepted.self)
                .link(.accepted, "SignIn", to: "auth.login", requestBody: "$request.body")
                .rateLimited()
                .handle { input, context in try await register(input.body, context) },
            Route.post("auth/login", id: "auth.login", "Sign in with email and password")
                .describe("Bearer mode answers with an access and a refresh token; cookie mode sets the refresh cookie and a browser session and answers with a CSRF token. Wrong credentials and locked accounts get the same 401.")
                .requires(.public)
                .body(LoginBody.self)
                .responds(.ok, TokenResponse.self)
                .problems(.unauthorized, .forbidden)
                .rateLimited()
                .handle { input, context in try await login(input.body, input.request, context) },
            Route.post("auth/refresh", id: "auth.refresh", "A new access token for a refresh token")
                .describe("The refresh token rotates: the old one stops working. Send it in the body (bearer mode) or as the cookie with `X-Requested-With` or `X-CSRF-Token` (cookie mode).")
                .requires(.public)
                .optionalBody(RefreshBody.self)
                .responds(.ok, TokenResponse.self)
                .problems(.unauthorized, .forbidden)
                .handle { input, context in try await refresh(input.body, input.request, context) },
            Route.post("auth/logout", id: "auth.logout", "End this sign-in")
                .describe("Ends the sign-in of the access token, or of the refresh token in the body or cookie: its refresh tokens, browser session and cookie.")
                .requires(.public)
                .optionalBody(RefreshBody.self)
                .responds(.noContent)
                .problems(.unauthorized)
                .handle { input, context in try await logout(input.body, input.request, context) },
            Route.get("auth/me", id: "auth.me", "The signed-in caller, with tenants and permissions")
                .requires(.signedIn)
                .responds(.ok, MeView.self)
                .handle { _, context in try await me(context) },
        ]
    }

    func register(_ body: RegisterBody, _ context: PlinthRequestContext) async throws -> Response {
        try await service.limits.hit(service.limits.rules.registerPerAddress, context.clientAddress)
        let email = UserStore.normalize(email: body.email)
        if let problem = EmailAddress.problem(email) {
            throw Problem(.unprocessableContent, type: "validation", detail: "email \(problem)", extensions: ["field": "email"])
        }
        let name = body.name?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let name, name.count > 100 {
            throw Problem(.unprocessableContent, type: "validation", detail: "name must be at most 100 characters", extensions: ["field": "name"])
        }
        try service.policy.check(body.password)
        let hash = try await service.passwords.hash(body.password)
        if let user = try await service.users.create(email: email, name: name, passwordHash: hash) {
            try await service.context.audit("auth.user.registered", actor: user.id, requestID: context.requestID)
            try await service.context.publish(UserCreated(userID: user.id))
            EmailRoutes(service: service).sendVerification(to: user)
        } else {
            service.deliver(MailMessage(
                to: email, subject: "Someone tried to register with your email",
                body: "Someone tried to create an account with this address, which already has one. If it was you, sign in or reset your password at \(service.configuration.appURL)/forgot-password. Otherwise ignore this mail."
            ))
        }
        return try AuthJSON.response(.accepted, Self.registered)
    }

    func login(_ body: LoginBody, _ request: Request, _ context: PlinthRequestContext) async throws -> Response {
        try await service.limits.hit(service.limits.rules.loginPerAddress, context.clientAddress)
        let configuration = service.configuration
        guard let user = try await service.users.find(email: body.email), let hash = user.passwordHash, !user.disabled else {
            try await service.passwords.verifyDecoy(body.password)
            try await service.context.audit("auth.login.failed", metadata: ["reason": "unknown_account"], requestID: context.requestID)
            throw Self.invalidCredentials
        }
        // Counted before bcrypt runs, so a burst of parallel guesses gets `MAX_LOGIN_ATTEMPTS`
        // checks in all, not one each.
        guard try await service.users.charge(user: user.id, limit: configuration.maxLoginAttempts) else {
            try await service.passwords.verifyDecoy(body.password)
            try await service.context.audit("auth.login.failed", actor: user.id, metadata: ["reason": "locked"], requestID: context.requestID)
            throw Self.invalidCredentials
        }
        guard try await service.passwords.verify(body.password, hash: hash) else {
            let locked = try await service.users.recordFailure(user: user.id, limit: configuration.maxLoginAttempts, duration: configuration.lockoutDuration)
            try await service.context.audit("auth.login.failed", actor: user.id, metadata: ["reason": "wrong_password"], requestID: context.requestID)
            if locked {
                try await service.context.audit("auth.account.locked", actor: user.id, metadata: ["seconds": String(Int(configuration.lockoutDuration))], requestID: context.requestID)
            }
            throw Self.invalidCredentials
        }
        try await service.users.recordSuccess(user: user.id)
        if configuration.unverifiedAccounts == .blocked && !user.emailVerified {
            throw AuthService.unverified("sign in")
        }
        return try await service.signIn(user: user, mode: body.mode ?? .bearer, request: request, context: context, method: "password")
    }

    func refresh(_ body: RefreshBody?, _ request: Request, _ context: PlinthRequestContext) async throws -> Response {
        let fromCookie = request.cookies[AuthAuthenticator.refreshCookie]?.value
        let presented: String
        let mode: AuthService.SignInMode
        if let token = body?.refreshToken, !token.isEmpty {
            presented = token
            mode = .bearer
        } else if let token = fromCookie, !token.isEmpty {
            // A custom header cannot be sent cross-site without a CORS preflight.
            guard request.headers[HTTPField.Name("x-requested-with")!] != nil || request.headers[.csrfToken] != nil else {
                throw Problem(.forbidden, type: "csrf", detail: "refreshing with the cookie needs an X-Requested-With or X-CSRF-Token header")
            }
            presented = token
            mode = .cookie
        } else {
            throw Problem(.unauthorized, type: "invalid-grant", detail: "send refreshToken in the body, or the refreshToken cookie", extensions: ["error": "invalid_grant"])
        }
        let invalid = Problem(.unauthorized, type: "invalid-grant", detail: "the refresh token is invalid, expired or revoked; sign in again", extensions: ["error": "invalid_grant"])
        switch try await service.refresh.rotate(presented) {
        case .invalid:
            throw invalid
        case .reused(let family, let user):
            try await service.context.audit("auth.refresh.reuse_detected", actor: user, target: family, requestID: context.requestID)
            throw invalid
        case .rotated(let issued):
            let token = try await service.access.issue(user: issued.user, signIn: issued.family)
            guard let user = try await service.users.find(id: issued.user) else { throw invalid }
            var response = try AuthJSON.response(.ok, TokenResponse(
                accessToken: token.token, tokenType: "Bearer", expiresIn: token.expiresIn,
                refreshToken: mode == .bearer ? issued.token : nil, csrfToken: nil, user: UserView(user)
            ))
            if mode == .cookie { response.headers.append(service.refreshCookie(issued.token)) }
            return response
        }
    }

    /// Ends the sign-in this request belongs to: its refresh tokens, browser session and cookie.
    func logout(_ body: RefreshBody?, _ request: Request, _ context: PlinthRequestContext) async throws -> Response {
        var family = context.identity?.method == .apiKey ? nil : context.identity?.signInID
        var actor = context.identity?.subject
        if family == nil, let token = body?.refreshToken ?? request.cookies[AuthAuthenticator.refreshCookie]?.value,
           let found = try await service.refresh.family(of: token) {
            (family, actor) = (found.family, found.user)
        }
        guard let family else {
            _ = try context.requireIdentity()
            throw Problem(.unauthorized, type: "no-sign-in", detail: "nothing to sign out of: send the access token, the refresh token or the cookie")
        }
        try await service.refresh.revoke(family: family, reason: "logout")
        context.session.invalidate()
        try await service.context.audit("auth.logout", actor: actor, target: family, requestID: context.requestID)
        var response = AuthJSON.empty()
        response.headers.append(service.refreshCookie(nil))
        return response
    }

    func me(_ context: PlinthRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        guard let user = try await service.users.find(id: identity.subject) else { throw Problem(.unauthorized, type: "unauthenticated") }
        let memberships = try await service.tenants.memberships(of: user.id).filter { identity.mayActIn($0.tenant) }
        return try AuthJSON.response(.ok, MeView(
            user: UserView(user), method: identity.method.rawValue, tenant: identity.tenantID, role: identity.role,
            permissions: identity.permissions.sorted(), tenants: memberships
        ))
    }
}

struct MeView: Codable {
    let user: UserView
    let method: String
    let tenant: String?
    let role: String?
    let permissions: [String]
    let tenants: [Tenants.Membership]
}
