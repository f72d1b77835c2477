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
        try routes.delete("auth/sessions/:id") { _, context in
            let identity = try APIKeyRoutes.user(context)
            let id = try context.parameters.require("id")
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
