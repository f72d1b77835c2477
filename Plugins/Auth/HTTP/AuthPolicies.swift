import Hummingbird
import PlinthKernel

/// The auth plugin's own route policies, beside the kernel's `.public`, `.signedIn` and
/// `.permission(_:)`.
extension RoutePolicy {
    /// A signed-in user acting with their own credentials: API keys are refused (403
    /// `api-key-not-allowed`), so that a key cannot mint keys, end sessions or change accounts.
    static let account = RoutePolicy(summary: "Needs a signed-in user (an access token or the session cookie); API keys are refused.", authenticated: true, forbids: true) { _, context in
        _ = try APIKeyRoutes.user(context)
        return context
    }

    /// A member of the tenant named by the path's `{tenant}` who holds `permission` there by
    /// their role; a tenant-bound API key acts only in its own tenant. The handler sees that
    /// tenant as `context.tenantID`, and the identity with that tenant's role and permissions.
    static func member(_ permission: String, service: AuthService) -> RoutePolicy {
        RoutePolicy(summary: "Needs membership of the path's tenant with a role that holds `\(permission)`.", authenticated: true, permission: permission, forbids: true) { _, context in
            let identity = try context.requireIdentity()
            let tenant = try context.parameters.require("tenant")
            guard identity.mayActIn(tenant) else {
                throw Problem(.forbidden, type: "tenant-mismatch", detail: "this API key acts only in its own tenant; use a key of that tenant")
            }
            guard let role = try await service.tenants.role(of: identity.subject, in: tenant) else {
                throw Problem(.forbidden, type: "not-a-member", detail: "you are not a member of this tenant")
            }
            var scoped = identity
            scoped.tenantID = tenant
            scoped.role = role
            scoped.permissions = service.context.permissions.permissions(for: role)
            guard scoped.has(permission) else {
                throw Problem(.forbidden, detail: "this needs the permission '\(permission)', which your role '\(role)' does not have", extensions: ["permission": permission])
            }
            var context = context
            context.tenantID = tenant
            context.identity = scoped
            return context
        }
    }
}
