import Foundation
import Hummingbird
import PlinthKernel

/// `GET sessions` and `DELETE sessions/:id` under `/api/auth`: a user's sign-ins (each a
/// refresh-token family, in bearer or cookie mode), and revoking one of them.
struct SessionRoutes {
    let service: AuthService

    struct SessionView: Codable {
        let id: String
        let mode: String
        let createdAt: String
        let lastUsedAt: String
        let expiresAt: String
        let userAgent: String?
        let current: Bool
    }

    struct Reauthentication: Decodable, Sendable { let password: String? }

    struct SessionList: Codable {
        let items: [SessionView]
    }

    /// Ending a session takes the password again (ASVS 5.0 7.5.2), so that a stolen session
    /// cannot sign the owner out everywhere; accounts without a password (external sign-in only)
    /// are exempt.
    func reauthenticate(_ identity: PlinthIdentity, _ body: Reauthentication?, _ context: PlinthRequestContext) async throws {
        guard let user = try await service.users.find(id: identity.subject), let hash = user.passwordHash else { return }
        guard let password = body?.password, try await service.passwords.verify(password, hash: hash) else {
            try await service.context.audit("auth.reauthentication.failed", actor: identity.subject, requestID: context.requestID)
            throw Problem(.forbidden, type: "reauthentication-required", detail: "send your current password as {\"password\": ...} to end a session")
        }
    }

    var routes: [Route] {
        [
            Route.get("auth/sessions", id: "auth.sessions.list", "My sign-ins")
                .describe("Each sign-in is a refresh-token family, in bearer or cookie mode; `current` marks this one.")
                .requires(.account)
                .responds(.ok, SessionList.self)
                .handle { _, context in try await list(context) },
            Route.delete("auth/sessions/{id}", id: "auth.sessions.revoke", "End one of my sign-ins")
                .describe("Takes the current password again as `{\"password\": ...}` (accounts without a password are exempt).")
                .requires(.account)
                .optionalBody(Reauthentication.self) { $0["password"]?.maxLength = 4096 }
                .responds(.noContent)
                .problems(.notFound)
                .handle { input, context in try await revoke(input.body, context) },
        ]
    }

    func list(_ context: PlinthRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let items = try await service.refresh.signIns(user: identity.subject).map { signIn in
            SessionView(
                id: signIn.family, mode: signIn.mode, createdAt: UserView.iso(signIn.createdAt), lastUsedAt: UserView.iso(signIn.lastUsedAt),
                expiresAt: UserView.iso(signIn.expiresAt), userAgent: signIn.userAgent, current: signIn.family == identity.signInID
            )
        }
        return try AuthJSON.response(.ok, SessionList(items: items))
    }

    func revoke(_ body: Reauthentication?, _ context: PlinthRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.parameters.require("id")
        try await reauthenticate(identity, body, context)
        guard try await service.refresh.isLive(family: id, user: identity.subject) else {
            throw Problem(.notFound, detail: "you have no live session with this id")
        }
        try await service.refresh.revoke(family: id, reason: "revoked_by_user")
        if id == identity.signInID { context.session.invalidate() }
        try await service.context.audit("auth.session.revoked", actor: identity.subject, target: id, requestID: context.requestID)
        return AuthJSON.empty()
    }
}
