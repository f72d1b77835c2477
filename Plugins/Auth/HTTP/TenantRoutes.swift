import Foundation
import Hummingbird
import PlinthKernel

/// `/api/tenants`: create a tenant, list mine, and manage members and roles.
struct TenantRoutes {
    let service: AuthService

    static let readMembers = "tenants.members.read"
    static let manageMembers = "tenants.members.manage"

    struct CreateBody: Decodable { let name: String }
    struct AddBody: Decodable {
        let email: String
        let role: String
    }
    struct RoleBody: Decodable { let role: String }

    func mount(_ routes: PluginRoutes) throws {
        try routes.post("tenants") { request, context in
            let identity = try APIKeyRoutes.user(context)
            try await service.requireVerified(identity, to: "create a tenant")
            let body = try await request.decode(as: CreateBody.self, context: context)
            let name = body.name.trimmingCharacters(in: .whitespacesAndNewlines)
            guard (1...100).contains(name.count) else {
                throw Problem(.unprocessableContent, type: "validation", detail: "name must be 1-100 characters", extensions: ["field": "name"])
            }
            let membership = try await service.tenants.create(name: name, owner: identity.subject)
            try await service.context.audit("auth.tenant.created", actor: identity.subject, tenant: membership.tenant, requestID: context.requestID)
            return try AuthJSON.response(.created, membership)
        }
        try routes.get("tenants") { _, context in
            let identity = try context.requireIdentity()
            let items = try await service.tenants.memberships(of: identity.subject).filter { identity.mayActIn($0.tenant) }
            return try AuthJSON.response(.ok, ["items": items])
        }
        try routes.get("tenants/:tenant/members") { _, context in
            let tenant = try await authorize(context, Self.readMembers)
            return try AuthJSON.response(.ok, ["items": try await service.tenants.members(of: tenant)])
        }
        try routes.post("tenants/:tenant/members") { request, context in
            let tenant = try await authorize(context, Self.manageMembers)
            let body = try await request.decode(as: AddBody.self, context: context)
            try await checkAssignable(body.role, tenant: tenant, by: context)
            return try await invite(body, to: tenant, context)
        }
        try routes.get("tenants/:tenant/invitations") { _, context in
            let tenant = try await authorize(context, Self.readMembers)
            return try AuthJSON.response(.ok, ["items": try await service.invitations.pending(tenant: tenant)])
        }
        try routes.delete("tenants/:tenant/invitations/:id") { _, context in
            let tenant = try await authorize(context, Self.manageMembers)
            guard try await service.invitations.remove(id: try context.parameters.require("id"), tenant: tenant) else {
                throw Problem(.notFound, detail: "this tenant has no such invitation")
            }
            return AuthJSON.empty()
        }
        try routes.get("tenants/invitations") { _, context in
            let user = try await invitee(context)
            return try AuthJSON.response(.ok, ["items": try await service.invitations.pending(email: user.email)])
        }
        try routes.post("tenants/invitations/:id/accept") { _, context in
            let user = try await invitee(context)
            guard let membership = try await service.invitations.accept(id: try context.parameters.require("id"), email: user.email, user: user.id) else {
                throw Problem(.notFound, detail: "you have no open invitation with this id")
            }
            try await service.context.audit("auth.role.granted", actor: user.id, tenant: membership.tenant, target: user.id, metadata: ["role": membership.role, "via": "invitation"], requestID: context.requestID)
            return try AuthJSON.response(.created, membership)
        }
        try routes.delete("tenants/invitations/:id") { _, context in
            let user = try await invitee(context)
            guard try await service.invitations.remove(id: try context.parameters.require("id"), email: user.email) else {
                throw Problem(.notFound, detail: "you have no open invitation with this id")
            }
            return AuthJSON.empty()
        }
        try routes.patch("tenants/:tenant/members/:user") { request, context in
            let tenant = try await authorize(context, Self.manageMembers)
            let body = try await request.decode(as: RoleBody.self, context: context)
            try await checkAssignable(body.role, tenant: tenant, by: context)
            return try await change(context, tenant: tenant, to: body.role)
        }
        try routes.delete("tenants/:tenant/members/:user") { _, context in
            let tenant = try await authorize(context, Self.manageMembers)
            return try await change(context, tenant: tenant, to: nil)
        }
    }

    /// Invites `body.email`: 202 and the same answer whether or not an account has the address
    /// (adding by email must not find accounts for the inviter); nobody joins without accepting.
    func invite(_ body: AddBody, to tenant: String, _ context: PlinthRequestContext) async throws -> Response {
        let email = EmailAddress.normalize(body.email)
        if let problem = EmailAddress.problem(email) {
            throw Problem(.unprocessableContent, type: "validation", detail: "email \(problem)", extensions: ["field": "email"])
        }
        let actor = try context.requireIdentity().subject
        if try await service.tenants.members(of: tenant).contains(where: { $0.email == email }) {
            throw Problem(.conflict, detail: "already a member")
        }
        let invitation = try await service.invitations.invite(email: email, to: tenant, role: body.role, by: actor)
        try await service.context.audit("auth.invitation.sent", actor: actor, tenant: tenant, target: invitation.id, metadata: ["role": body.role], requestID: context.requestID)
        service.deliver(MailMessage(
            to: email, subject: "You are invited to \(invitation.tenantName)",
            body: "You are invited to join \(invitation.tenantName) as \(body.role). Sign in with this address (or register with it), then accept at \(service.configuration.appURL)/invitations before \(invitation.expiresAt)."
        ))
        return try AuthJSON.response(.accepted, invitation)
    }

    /// The signed-in account (not an API key) whose verified address invitations are for.
    func invitee(_ context: PlinthRequestContext) async throws -> User {
        let identity = try APIKeyRoutes.user(context)
        guard let user = try await service.users.find(id: identity.subject) else { throw Problem(.unauthorized, type: "unauthenticated") }
        // An address proves nothing until verified: else whoever registered it first could accept.
        guard user.emailVerified else { throw AuthService.unverified("accept invitations") }
        return user
    }

    /// The path's tenant, after checking the caller may act there (a tenant-bound API key only in
    /// its own) and holds `permission` there.
    func authorize(_ context: PlinthRequestContext, _ permission: String) async throws -> String {
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
        return tenant
    }

    /// A known role; only an owner hands out ownership.
    func checkAssignable(_ role: String, tenant: String, by context: PlinthRequestContext) async throws {
        guard PermissionCatalog.roles.contains(role) else {
            throw Problem(.unprocessableContent, type: "validation", detail: "role must be one of \(PermissionCatalog.roles.joined(separator: ", "))", extensions: ["field": "role"])
        }
        if role == "owner", let actor = context.identity?.subject, try await service.tenants.role(of: actor, in: tenant) != "owner" {
            throw Problem(.forbidden, detail: "only an owner can grant, change or remove the owner role")
        }
    }

    func change(_ context: PlinthRequestContext, tenant: String, to role: String?) async throws -> Response {
        let actor = try context.requireIdentity().subject
        let user = try context.parameters.require("user")
        if try await service.tenants.role(of: user, in: tenant) == "owner", try await service.tenants.role(of: actor, in: tenant) != "owner" {
            throw Problem(.forbidden, detail: "only an owner can grant, change or remove the owner role")
        }
        switch try await service.tenants.change(user: user, in: tenant, to: role) {
        case .notMember: throw Problem(.notFound, detail: "not a member of this tenant")
        case .lastOwner: throw Problem(.conflict, type: "last-owner", detail: "a tenant keeps at least one owner; make someone else owner first")
        case .done(let previous):
            try await service.context.audit(role == nil ? "auth.role.revoked" : "auth.role.changed", actor: actor, tenant: tenant, target: user,
                                            metadata: ["from": previous, "to": role ?? "none"], requestID: context.requestID)
            return AuthJSON.empty()
        }
    }
}
