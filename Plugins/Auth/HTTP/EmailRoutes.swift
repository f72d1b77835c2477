import Foundation
import Hummingbird
import PlinthKernel

/// `POST email/verify` and `POST email/verify/request` under `/api/auth`.
struct EmailRoutes {
    let service: AuthService

    struct VerifyBody: Decodable, Sendable, SchemaDescribing {
        let token: String
        static var schema: Schema { .derived(from: Self.self) { $0["token"]?.maxLength = 512 } }
    }

    var routes: [Route] {
        [
            Route.post("auth/email/verify", id: "auth.email.verify", "Confirm the address with a verification link's token")
                .requires(.public)
                .body(VerifyBody.self)
                .responds(.noContent)
                .problems(.forbidden)
                .handle { input, context in try await verify(input.body, context) },
            Route.post("auth/email/verify/request", id: "auth.email.verify.request", "Mail a new verification link")
                .requires(.signedIn)
                .responds(.accepted, SignInRoutes.Accepted.self)
                .handle { _, context in try await requestVerification(context) },
        ]
    }

    /// Issues a verification link and mails it, from the mail queue.
    func sendVerification(to user: User) {
        let service = self.service
        service.inBackground("verification mail") {
            let token = try await service.oneTime.issue(user: user.id, purpose: .emailVerification)
            try await service.mailer.send(MailMessage(
                to: user.email, subject: "Verify your email address",
                body: "Confirm this address within \(Int(service.configuration.resetExpiry / 60)) minutes:\n\n\(service.configuration.appURL)/verify-email?token=\(token)\n"
            ))
        }
    }

    func verify(_ body: VerifyBody, _ context: PlinthRequestContext) async throws -> Response {
        let user: String? = try await service.context.database.transaction { sql in
            guard let user = try await service.oneTime.consume(body.token, purpose: .emailVerification, on: sql) else { return nil }
            try await service.users.markEmailVerified(user: user, on: sql)
            return user
        }
        guard let user else {
            throw Problem(.forbidden, type: "invalid-token", detail: "the verification link is invalid, used or expired; ask for a new one")
        }
        try await service.context.audit("auth.email.verified", actor: user, requestID: context.requestID)
        return AuthJSON.empty()
    }

    func requestVerification(_ context: PlinthRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        guard let user = try await service.users.find(id: identity.subject) else { throw Problem(.unauthorized) }
        if !user.emailVerified { sendVerification(to: user) }
        return try AuthJSON.response(.accepted, ["status": user.emailVerified ? "verified" : "sent"])
    }
}
