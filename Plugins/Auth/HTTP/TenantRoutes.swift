import Foundation
import Hummingbird
import PlinthKernel

/// `/api/tenants`: create a tenant, list mine, and manage members and roles.
struct TenantRoutes {
    let service: AuthService

    static let readMembers = "tenants.members.read"
    static let delete = "tenants.delete"
    static let manageMembers = "tenants.members.manage"

    struct CreateBody: Decodable, Sendable, SchemaDescribing {
        let name: String
        static var schema: Schema {
            .derived(from: Self.self) {
                $0["name"]?.length(1...100)
                $0["name"]?.pattern = #"\S"#
                $0["name"]?.description = "1-100 characters, not all spaces"
                $0.example = ["name": "Acme"]
            }
        }
    }
    struct AddBody: Decodable, Sendable, SchemaDescribing {
        let email: String
        let role: String
        static var schema: Schema {
            .derived(from: Self.self) {
                $0["email"] = .email
                $0["email"]?.maxLength = 254
                $0["role"] = .oneOf(PermissionCatalog.roles)
            }
        }
    }
    struct RoleBody: Decodable, Sendable, SchemaDescribing {
        let role: String
        static var schema: Schema { .derived(from: Self.self) { $0["role"] = .oneOf(PermissionCatalog.roles) } }
    }
    struct Memberships: Codable { let items: [Tenants.Membership] }
    struct Members: Codable { let items: [Tenants.Member] }
    struct InvitationList: Codable { let items: [Invitations.Invitation] }

    var routes: [Route] {
        let (read, manage) = (RoutePolicy.member(Self.readMembers, service: service), RoutePolicy.member(Self.manageMembers, service: service))
        let owner = RoutePolicy.member(Self.delete, service: service)
        return [
            Route.post("tenants", id: "tenants.create", "Create a tenant; I become its owner")
                .requires(.account)
                .body(CreateBody.self)
                .responds(.created, Tenants.Membership.self)
                .link(.created, "GetTenant", to: "tenants.get", parameters: ["tenant": "$response.body#/tenant"])
                .link(.created, "DeleteTenant", to: "tenants.delete", parameters: ["tenant": "$response.body#/tenant"])
                .link(.created, "ListMembers", to: "tenants.members.list", parameters: ["tenant": "$response.body#/tenant"])
                .link(.created, "InviteMember", to: "tenants.members.invite", parameters: ["tenant": "$response.body#/tenant"])
                .handle { input, context in try await create(input.body, context) },
            Route.get("tenants", id: "tenants.list", "The tenants I belong to")
                .requires(.signedIn)
                .responds(.ok, Memberships.self)
                .handle { _, context in
                    let identity = try context.requireIdentity()
                    let items = try await service.tenants.memberships(of: identity.subject).filter { identity.mayActIn($0.tenant) }
                    return try AuthJSON.response(.ok, Memberships(items: items))
                },
            Route.get("tenants/{tenant}", id: "tenants.get", "A tenant I belong to, with my role in it")
                .requires(read)
                .responds(.ok, Tenants.Membership.self)
                .handle { _, context in
                    let tenant = context.tenantID!
                    guard let name = try await service.tenants.name(of: tenant) else { throw Problem(.notFound, detail: "no such tenant") }
                    return try AuthJSON.response(.ok, Tenants.Membership(tenant: tenant, name: name, role: context.identity?.role ?? "member"))
                },
            Route.delete("tenants/{tenant}", id: "tenants.delete", "Delete a tenant")
                .describe("Owners only. Memberships, invitations and API keys bound to the tenant go with it; `auth.tenant.deleted` is published so that other plugins can remove the tenant's data.")
                .requires(owner)
                .responds(.noContent)
                .problems(.notFound)
                .handle { _, context in
                    let tenant = context.tenantID!
                    guard try await service.tenants.delete(tenant) else { throw Problem(.notFound, detail: "no such tenant") }
                    try await service.context.audit("auth.tenant.deleted", actor: context.identity?.subject, tenant: tenant, requestID: context.requestID)
                    try await service.context.publish(TenantDeleted(tenantID: tenant))
                    return AuthJSON.empty()
                },
            Route.get("tenants/{tenant}/members", id: "tenants.members.list", "A tenant's members")
                .requires(read)
                .responds(.ok, Members.self)
                .handle { _, context in try AuthJSON.response(.ok, Members(items: try await service.tenants.members(of: context.tenantID!))) },
            Route.post("tenants/{tenant}/members", id: "tenants.members.invite", "Invite an address to the tenant")
                .describe("Answers 202 the same whether or not an account has the address; nobody joins without accepting.")
                .requires(manage)
                .body(AddBody.self)
                .responds(.accepted, Invitations.Invitation.self)
                .link(.accepted, "WithdrawInvitation", to: "tenants.invitations.withdraw", parameters: ["tenant": "$request.path.tenant", "id": "$response.body#/id"])
                .problems(.conflict)
                .handle { input, context in
                    try await checkAssignable(input.body.role, tenant: context.tenantID!, by: context)
                    return try await invite(input.body, to: context.tenantID!, context)
                },
            Route.get("tenants/{tenant}/invitations", id: "tenants.invitations.list", "A tenant's open invitations")
                .requires(read)
                .responds(.ok, InvitationList.self)
                .handle { _, context in try AuthJSON.response(.ok, InvitationList(items: try await service.invitations.pending(tenant: context.tenantID!))) },
            Route.delete("tenants/{tenant}/invitations/{id}", id: "tenants.invitations.withdraw", "Withdraw an invitation")
                .requires(manage)
                .responds(.noContent)
                .problems(.notFound)
                .handle { _, context in
                    guard try await service.invitations.remove(id: try context.parameters.require("id"), tenant: context.tenantID!) else {
                        throw Problem(.notFound, detail: "this tenant has no such invitation")
                    }
                    return AuthJSON.empty()
                },
            Route.get("tenants/invitations", id: "tenants.invitations.mine", "Invitations to my verified address")
                .requires(.account)
                .responds(.ok, InvitationList.self)
                .handle { _, context in
                    let user = try await invitee(context)
                    return try AuthJSON.response(.ok, InvitationList(items: try await service.invitations.pending(email: user.email)))
                },
            Route.post("tenants/invitations/{id}/accept", id: "tenants.invitations.accept", "Accept an invitation and join the tenant")
                .requires(.account)
                .responds(.created, Tenants.Membership.self)
                .problems(.notFound)
                .handle { _, context in try await accept(context) },
            Route.delete("tenants/invitations/{id}", id: "tenants.invitations.decline", "Decline an invitation")
                .requires(.account)
                .responds(.noContent)
                .problems(.notFound)
                .handle { _, context in
                    let user = try await invitee(context)
                    guard try await service.invitations.remove(id: try context.parameters.require("id"), email: user.email) else {
                        throw Problem(.notFound, detail: "you have no open invitation with this id")
                    }
                    return AuthJSON.empty()
                },
            Route.patch("tenants/{tenant}/members/{user}", id: "tenants.members.update", "Change a member's role")
                .requires(manage)
                .body(RoleBody.self)
                .responds(.noContent)
                .problems(.notFound, .conflict)
                .handle { input, context in
                    try await checkAssignable(input.body.role, tenant: context.tenantID!, by: context)
                    return try await change(context, tenant: context.tenantID!, to: input.body.role)
                },
            Route.delete("tenants/{tenant}/members/{user}", id: "tenants.members.remove", "Remove a member")
                .requires(manage)
                .responds(.noContent)
                .problems(.notFound, .conflict)
                .handle { _, context in try await change(context, tenant: context.tenantID!, to: nil) },
        ]
    }

    func create(_ body: CreateBody, _ context: PlinthRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        try await service.requireVerified(identity, to: "create a tenant")
        let name = body.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...100).contains(name.count) else {
            throw Problem(.unprocessableContent, type: "validation", detail: "name must be 1-100 characters", extensions: ["field": "name"])
        }
        let membership = try await service.tenants.create(name: name, owner: identity.subject)
        try await service.context.audit("auth.tenant.created", actor: identity.subject, tenant: membership.tenant, requestID: context.requestID)
        return try AuthJSON.response(.created, membership)
    }

    func accept(_ context: PlinthRequestContext) async throws -> Response {
        let user = try await invitee(context)
        guard let membership = try await service.invitations.accept(id: try context.parameters.require("id"), email: user.email, user: user.id) else {
            throw Problem(.notFound, detail: "you have no open invitation with this id")
        }
        try await service.context.audit("auth.role.granted", actor: user.id, tenant: membership.tenant, target: user.id, metadata: ["role": membership.role, "via": "invitation"], requestID: context.requestID)
        return try AuthJSON.response(.created, membership)
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
        let identity = try context.requireIdentity()
        guard let user = try await service.users.find(id: identity.subject) else { throw Problem(.unauthorized, type: "unauthenticated") }
        // An address proves nothing until verified: else whoever registered it first could accept.
        guard user.emailVerified else { throw AuthService.unverified("accept invitations") }
        return user
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
