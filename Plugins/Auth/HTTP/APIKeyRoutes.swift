import Foundation
import Hummingbird
import PlinthKernel

/// `GET|POST api-keys` and `DELETE api-keys/:id` under `/api/auth`.
struct APIKeyRoutes {
    let service: AuthService

    struct CreateBody: Decodable, Sendable, SchemaDescribing {
        let name: String
        /// Permission names the key may use, or `*` for all of its owner's; default `["*"]`.
        let scopes: [String]?
        /// The tenant the key acts in; the owner must be a member. Default: none.
        let tenant: String?
        /// Seconds until it expires; 0 = never. Default `API_KEY_EXPIRY`.
        let expiresIn: Double?

        static var schema: Schema {
            .derived(from: Self.self) {
                $0["name"]?.length(1...100)
                $0["name"]?.pattern = #"\S"#
                $0["scopes"]?.maxItems = 100
                $0["scopes"]?.description = "permission names the key may use, or * for all of its owner's; default [\"*\"]"
                $0["tenant"]?.description = "the tenant the key acts in; its owner must be a member"
                $0["expiresIn"]?.range(0...315_360_000)
                $0["expiresIn"]?.description = "seconds until it expires; 0 = never; default API_KEY_EXPIRY"
                $0.example = ["name": "deploy", "scopes": ["*"], "expiresIn": 86_400]
            }
        }
    }

    struct Created: Codable {
        /// Shown once, never again.
        let key: String
        let id: String
        let name: String
        let prefix: String
        let tenant: String?
        let scopes: [String]
        let expiresAt: String?
    }

    struct KeyList: Codable {
        let items: [APIKeys.Key]
    }

    var routes: [Route] {
        let permissions = service.context.permissions.all.map(\.name)
        return [
            Route.get("auth/api-keys", id: "auth.apiKeys.list", "My API keys")
                .requires(.account)
                .responds(.ok, KeyList.self)
                .handle { _, context in
                    try AuthJSON.response(.ok, KeyList(items: try await service.apiKeys.list(user: try context.requireIdentity().subject)))
                },
            Route.post("auth/api-keys", id: "auth.apiKeys.create", "Make an API key")
                .describe("The key is in this answer only, never again.")
                .requires(.account)
                .body(CreateBody.self) { $0["scopes"]?.items = .oneOf(["*"] + permissions) }
                .responds(.created, Created.self)
                .link(.created, "RevokeKey", to: "auth.apiKeys.revoke", parameters: ["id": "$response.body#/id"])
                .handle { input, context in try await create(input.body, context) },
            Route.delete("auth/api-keys/{id}", id: "auth.apiKeys.revoke", "Revoke an API key")
                .requires(.account)
                .responds(.noContent)
                .problems(.notFound)
                .handle { _, context in try await revoke(context) },
        ]
    }

    func revoke(_ context: PlinthRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.parameters.require("id")
        guard try await service.apiKeys.revoke(id: id, user: identity.subject) else {
            throw Problem(.notFound, detail: "you have no live API key with this id")
        }
        try await service.context.audit("auth.api_key.revoked", actor: identity.subject, target: id, requestID: context.requestID)
        return AuthJSON.empty()
    }

    /// Keys are managed with the user's own credentials: a key cannot mint or revoke keys.
    static func user(_ context: PlinthRequestContext) throws -> PlinthIdentity {
        let identity = try context.requireIdentity()
        guard identity.method != .apiKey else {
            throw Problem(.forbidden, type: "api-key-not-allowed", detail: "API keys are managed with a signed-in user's credentials, not with a key")
        }
        return identity
    }

    func create(_ body: CreateBody, _ context: PlinthRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        try await service.requireVerified(identity, to: "make API keys")
        let name = body.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...100).contains(name.count) else {
            throw Problem(.unprocessableContent, type: "validation", detail: "name must be 1-100 characters", extensions: ["field": "name"])
        }
        let scopes = body.scopes ?? ["*"]
        let known = Set(service.context.permissions.all.map(\.name))
        if let unknown = scopes.first(where: { $0 != "*" && !known.contains($0) }) {
            throw Problem(.unprocessableContent, type: "validation", detail: "scope '\(unknown)' is not a declared permission", extensions: ["field": "scopes"])
        }
        if let tenant = body.tenant, try await service.tenants.role(of: identity.subject, in: tenant) == nil {
            throw Problem(.forbidden, type: "not-a-member", detail: "you are not a member of that tenant")
        }
        if let life = body.expiresIn, life < 0 {
            throw Problem(.unprocessableContent, type: "validation", detail: "expiresIn must be 0 (never) or more seconds", extensions: ["field": "expiresIn"])
        }
        let (key, plaintext) = try await service.apiKeys.create(user: identity.subject, name: name, tenant: body.tenant, scopes: scopes, lifetime: body.expiresIn)
        try await service.context.audit("auth.api_key.created", actor: identity.subject, tenant: body.tenant, target: key.id, requestID: context.requestID)
        return try AuthJSON.response(.created, Created(
            key: plaintext, id: key.id, name: key.name, prefix: key.prefix, tenant: key.tenant, scopes: key.scopes,
            expiresAt: key.expiresAt.map(UserView.iso)
        ))
    }
}
