import Foundation
import Hummingbird
import PlinthKernel

/// `POST password/forgot`, `password/reset` and `password/change` under `/api/auth`.
struct PasswordRoutes {
    let service: AuthService

    struct ForgotBody: Decodable, Sendable, SchemaDescribing {
        let email: String
        static var schema: Schema { .derived(from: Self.self) { $0["email"]?.maxLength = 254 } }
    }
    struct ResetBody: Decodable, Sendable {
        let token: String
        let password: String
    }
    struct ChangeBody: Decodable, Sendable {
        let currentPassword: String
        let newPassword: String
    }

    var routes: [Route] {
        let policy = service.policy
        return [
            Route.post("auth/password/forgot", id: "auth.password.forgot", "Mail a password-reset link")
                .describe("Always 202 with the same body: neither the answer nor its timing tells whether the account exists.")
                .requires(.public)
                .body(ForgotBody.self)
                .responds(.accepted, SignInRoutes.Accepted.self)
                .rateLimited()
                .handle { input, context in try await forgot(input.body, context) },
            Route.post("auth/password/reset", id: "auth.password.reset", "Set a new password with a reset link's token")
                .describe("Marks the address verified and ends every sign-in, browser session and API key of the account.")
                .requires(.public)
                .body(ResetBody.self) { $0["password"] = policy.schema; $0["token"]?.maxLength = 512 }
                .responds(.noContent)
                .problems(.forbidden)
                .handle { input, context in try await reset(input.body, context) },
            Route.post("auth/password/change", id: "auth.password.change", "Change the password")
                .describe("Needs the current password; ends every sign-in, browser session and API key, this one included.")
                .requires(.account)
                .body(ChangeBody.self) { $0["newPassword"] = policy.schema; $0["currentPassword"]?.maxLength = 4096 }
                .responds(.noContent)
                .problems(.unprocessableContent)
                .handle { input, context in try await change(input.body, context) },
        ]
    }

    /// Always 202 with the same body, at once: the look-up, the token and the mail happen on the
    /// mail queue, so neither the answer nor its timing tells whether the account exists.
    func forgot(_ body: ForgotBody, _ context: PlinthRequestContext) async throws -> Response {
        try await service.limits.hit(service.limits.rules.forgotPerAddress, context.clientAddress)
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
    func reset(_ body: ResetBody, _ context: PlinthRequestContext) async throws -> Response {
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
            throw Problem(.forbidden, type: "invalid-token", detail: "the reset link is invalid, used or expired; ask for a new one")
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
    func change(_ body: ChangeBody, _ context: PlinthRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
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
