import Foundation
import Hummingbird
import PlinthKernel

/// `POST password/forgot`, `password/reset` and `password/change` under `/api/auth`.
struct PasswordRoutes {
    let service: AuthService

    struct ForgotBody: Decodable { let email: String }
    struct ResetBody: Decodable {
        let token: String
        let password: String
    }
    struct ChangeBody: Decodable {
        let currentPassword: String
        let newPassword: String
    }

    func mount(_ routes: PluginRoutes) throws {
        try routes.post("auth/password/forgot") { request, context in try await forgot(request, context) }
        try routes.post("auth/password/reset") { request, context in try await reset(request, context) }
        try routes.post("auth/password/change") { request, context in try await change(request, context) }
    }

    /// Always 202 with the same body, at once: the look-up, the token and the mail happen on the
    /// mail queue, so neither the answer nor its timing tells whether the account exists.
    func forgot(_ request: Request, _ context: PlinthRequestContext) async throws -> Response {
        try await service.limits.hit(service.limits.rules.forgotPerAddress, context.clientAddress)
        let body = try await request.decode(as: ForgotBody.self, context: context)
        let email = UserStore.normalize(email: body.email)
        try await service.limits.hit(service.limits.rules.forgotPerEmail, email)
        let (service, requestID) = (self.service, context.requestID)
        service.inBackground("password reset mail") {
            guard let user = try await service.users.find(email: email), !user.disabled else { return }
            let token = try await service.oneTime.issue(user: user.id, purpose: .passwordReset)
            let minutes = Int(service.configuration.resetExpiry / 60)
            try await service.mailer.send(MailMessage(
                to: user.email, subject: "Reset your password",
                body: "Use this link within \(minutes) minutes to choose a new password:\n\n\(service.configuration.appURL)/reset-password?token=\(token)\n\nIf you did not ask for it, ignore this mail; your password stays as it is."
            ))
            try await service.context.audit("auth.password.reset_requested", actor: user.id, requestID: requestID)
        }
        return try AuthJSON.response(.accepted, ["status": "accepted", "detail": "if an account has this email, a reset link is on its way"])
    }

    /// Sets a new password with a reset token and marks the email verified; every sign-in,
    /// browser session and API key ends.
    func reset(_ request: Request, _ context: PlinthRequestContext) async throws -> Response {
        let body = try await request.decode(as: ResetBody.self, context: context)
        try service.policy.check(body.password)
        let hash = try await service.passwords.hash(body.password)
        let user: String? = try await service.context.database.transaction { sql in
            guard let user = try await service.oneTime.consume(body.token, purpose: .passwordReset, on: sql) else { return nil }
            try await service.users.setPassword(user: user, hash: hash, on: sql)
            // The link came to the address, so its owner holds it.
            try await service.users.markEmailVerified(user: user, on: sql)
            return user
        }
        guard let user else {
            throw Problem(.badRequest, type: "invalid-token", detail: "the reset link is invalid, used or expired; ask for a new one")
        }
        try await service.signOutEverywhere(user: user, reason: "password_reset")
        try await service.context.audit("auth.password.reset", actor: user, requestID: context.requestID)
        if let account = try await service.users.find(id: user) {
            service.deliver(MailMessage(
                to: account.email, subject: "Your password was changed",
                body: "The password of your account was just reset and every device was signed out. If this was not you, reset it again at once: \(service.configuration.appURL)/forgot-password"
            ))
        }
        return AuthJSON.empty()
    }

    /// Needs the current password; ends every sign-in, browser session and API key, this one included.
    func change(_ request: Request, _ context: PlinthRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        guard identity.method != .apiKey else {
            throw Problem(.forbidden, type: "api-key-not-allowed", detail: "an API key cannot change the account's password")
        }
        let body = try await request.decode(as: ChangeBody.self, context: context)
        guard let user = try await service.users.find(id: identity.subject), let current = user.passwordHash,
              try await service.passwords.verify(body.currentPassword, hash: current) else {
            try await service.context.audit("auth.password.change_failed", actor: identity.subject, requestID: context.requestID)
            throw Problem(.forbidden, type: "invalid-credentials", detail: "the current password is incorrect", extensions: ["field": "currentPassword"])
        }
        try service.policy.check(body.newPassword, field: "newPassword")
        try await service.users.setPassword(user: user.id, hash: try await service.passwords.hash(body.newPassword))
        try await service.signOutEverywhere(user: user.id, reason: "password_change")
        context.session.invalidate()
        try await service.context.audit("auth.password.changed", actor: user.id, requestID: context.requestID)
        var response = AuthJSON.empty()
        response.headers.append(service.refreshCookie(nil))
        return response
    }
}
