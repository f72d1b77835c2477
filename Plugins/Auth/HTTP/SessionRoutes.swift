import Foundation
import Hummingbird
import PlinthKernel

/// `GET sessions` and `DELETE sessions/:id` under `/api/auth`: a user's sign-ins (each a
/// refresh-token family, in bearer or cookie mode), and revoking one of them.
struct SessionRoutes {
    let service: AuthService

    struct SessionView: Encodable {
        let id: String
        let mode: String
        let createdAt: String
        let lastUsedAt: String
        let expiresAt: String
        let userAgent: String?
        let current: Bool
    }

    struct Reauthentication: Decodable { let password: String? }

    /// Ending a session takes the password again (ASVS 5.0 7.5.2), so that a stolen session
    /// cannot sign the owner out everywhere; accounts without a password (external sign-in only)
    /// are exempt.
    func reauthenticate(_ identity: PlinthIdentity, _ request: Request, _ context: PlinthRequestContext) async throws {
        guard let user = try await service.users.find(id: identity.subject), let hash = user.passwordHash else { return }
        let body = try? await request.decode(as: Reauthentication.self, context: context)
        guard let password = body?.password, try await service.passwords.verify(password, hash: hash) else {
            try await service.context.audit("auth.reauthentication.failed", actor: identity.subject, requestID: context.requestID)
            throw Problem(.forbidden, type: "reauthentication-required", detail: "send your current password as {\"password\": ...} to end a session")
        }
    }

    func mount(_ routes: PluginRoutes) throws {
        try routes.get("auth/sessions") { _, context in
            let identity = try APIKeyRoutes.user(context)
            let items = try await service.refresh.signIns(user: identity.subject).map { signIn in
                SessionView(
                    id: signIn.family, mode: signIn.mode, createdAt: UserView.iso(signIn.createdAt), lastUsedAt: UserView.iso(signIn.lastUsedAt),
                    expiresAt: UserView.iso(signIn.expiresAt), userAgent: signIn.userAgent, current: signIn.family == identity.signInID
                )
            }
            return try AuthJSON.response(.ok, ["items": items])
        }
        try routes.delete("auth/sessions/:id") { request, context in
            let identity = try APIKeyRoutes.user(context)
            let id = try context.parameters.require("id")
            try await reauthenticate(identity, request, context)
            guard try await service.refresh.isLive(family: id, user: identity.subject) else {
                throw Problem(.notFound, detail: "you have no live session with this id")
            }
            try await service.refresh.revoke(family: id, reason: "revoked_by_user")
            if id == identity.signInID { context.session.invalidate() }
            try await service.context.audit("auth.session.revoked", actor: identity.subject, target: id, requestID: context.requestID)
            return AuthJSON.empty()
        }
    }
}
