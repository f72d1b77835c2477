import Foundation
@testable import PlinthAuth
import PlinthKernel
import PlinthTesting
import Testing

/// Tenants, memberships, roles and permissions through the API.
@Suite struct TenantTests {
    @Test(arguments: TestBackend.all)
    func membersSeeATenantAndOnlyOwnersDeleteIt(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend) { client, kernel in
            let ann = try await client.signUp("ann@example.com")
            let bob = try await client.signUp("bob@example.com")
            let acme = try await client.tenant("Acme", owner: ann)
            try await client.addMember(bob, "bob@example.com", role: "admin", to: acme, by: ann)
            let seen = try await client.get("/api/tenants/\(acme)", headers: bob.bearer)
            #expect(seen.status == 200)
            #expect((seen.string("tenant"), seen.string("name"), seen.string("role")) == (acme, "Acme", "admin"))
            let key = try await client.post("/api/auth/api-keys", ["name": "ci", "tenant": acme], headers: ann.bearer)
            #expect(key.status == 201)
            let apiKey = ["x-api-key": try #require(key.string("key"))]
            #expect(try await client.get("/api/tenants/\(acme)", headers: apiKey).status == 200)

            // An admin is not an owner.
            #expect(try await client.call(.delete, "/api/tenants/\(acme)", headers: bob.bearer).status == 403)
            #expect(try await client.call(.delete, "/api/tenants/\(acme)", headers: ann.bearer).status == 204)
            for caller in [ann.bearer, bob.bearer] {
                #expect(try await client.get("/api/tenants/\(acme)", headers: caller).status == 403)
            }
            let listed = try await client.get("/api/tenants", headers: ann.bearer)
            #expect((listed.json["items"] as? [Any])?.isEmpty == true)
            // A key bound to the tenant goes with it.
            #expect(try await client.get("/api/auth/me", headers: apiKey).status == 401)
            #expect(try await kernel.audit.recent(action: "auth.tenant.deleted").map(\.tenant) == [acme])
        }
    }

    @Test(arguments: TestBackend.all)
    func ownersAndAdminsManageMembersAndMembersOnlyRead(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend) { client, kernel in
            let ann = try await client.signUp("ann@example.com")
            let bob = try await client.signUp("bob@example.com")
            let cat = try await client.signUp("cat@example.com")
            let acme = try await client.tenant("Acme", owner: ann)
            #expect(try await client.get("/api/tenants/\(acme)/members", headers: bob.bearer).status == 403)

            try await client.addMember(bob, "bob@example.com", role: "member", to: acme, by: ann)
            #expect(try await client.post("/api/tenants/\(acme)/members", ["email": "bob@example.com", "role": "member"], headers: ann.bearer).status == 409)
            #expect(try await client.post("/api/tenants/\(acme)/members", ["email": "x@example.com", "role": "boss"], headers: ann.bearer).status == 422)
            let members = try await client.get("/api/tenants/\(acme)/members", headers: bob.bearer)
            #expect(members.status == 200)
            #expect((members.json["items"] as? [[String: Any]])?.count == 2)
            // A member cannot add people.
            #expect(try await client.post("/api/tenants/\(acme)/members", ["email": "cat@example.com", "role": "member"], headers: bob.bearer).status == 403)
            // An admin can, but cannot make owners.
            #expect(try await client.call(.patch, "/api/tenants/\(acme)/members/\(bob.user)", json: ["role": "admin"], headers: ann.bearer).status == 204)
            #expect(try await client.post("/api/tenants/\(acme)/members", ["email": "cat@example.com", "role": "owner"], headers: bob.bearer).status == 403)
            try await client.addMember(cat, "cat@example.com", role: "member", to: acme, by: bob)
            #expect(try await client.call(.patch, "/api/tenants/\(acme)/members/\(ann.user)", json: ["role": "member"], headers: bob.bearer).status == 403)
            // The last owner stays.
            #expect(try await client.call(.patch, "/api/tenants/\(acme)/members/\(ann.user)", json: ["role": "member"], headers: ann.bearer).status == 409)
            #expect(try await client.call(.delete, "/api/tenants/\(acme)/members/\(cat.user)", headers: bob.bearer).status == 204)
            #expect(try await client.get("/api/tenants/\(acme)/members", headers: cat.bearer).status == 403)

            // The identity in a tenant carries the role's permissions.
            let me = try await client.get("/api/auth/me", headers: bob.bearer.merging(["x-tenant-id": acme]) { $1 })
            #expect(me.string("tenant") == acme)
            #expect(me.string("role") == "admin")
            #expect((me.json["permissions"] as? [String])?.contains(TenantRoutes.manageMembers) == true)
            #expect(try await client.get("/api/auth/me", headers: cat.bearer.merging(["x-tenant-id": acme]) { $1 }).status == 403)
            let tenants = try await client.get("/api/tenants", headers: bob.bearer)
            #expect((tenants.json["items"] as? [[String: Any]])?.first?["role"] as? String == "admin")

            let changes = try await kernel.audit.recent(action: "auth.role.changed")
            #expect(changes.count == 1)
            #expect(changes.first?.metadata == ["from": "member", "to": "admin"])
            #expect(try await kernel.audit.recent(action: "auth.role.granted").count == 2)
        }
    }

    @Test(arguments: TestBackend.all)
    func anAPIKeyActsOnlyInItsTenantAndWithinItsScopes(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend) { client, _ in
            let ann = try await client.signUp("ann@example.com")
            let acme = try await client.tenant("Acme", owner: ann)
            let globex = try await client.tenant("Globex", owner: ann)
            let key = try #require(try await client.post("/api/auth/api-keys", ["name": "read", "tenant": acme, "scopes": [TenantRoutes.readMembers]], headers: ann.bearer).string("key"))
            let me = try await client.get("/api/auth/me", headers: ["x-api-key": key])
            #expect(me.string("tenant") == acme)
            #expect(try await client.get("/api/auth/me", headers: ["x-api-key": key, "x-tenant-id": globex]).status == 403)
            #expect(try await client.post("/api/auth/api-keys", ["name": "bad", "scopes": ["no.such.permission"]], headers: ann.bearer).status == 422)
            let outsider = try await client.signUp("eve@example.com")
            #expect(try await client.post("/api/auth/api-keys", ["name": "x", "tenant": acme], headers: outsider.bearer).status == 403)
        }
    }

    @Test(arguments: TestBackend.all)
    func theTenantHeaderIsTrustedOnlyForMembers(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend) { client, _ in
            let ann = try await client.signUp("ann@example.com")
            let eve = try await client.signUp("eve@example.com")
            let acme = try await client.tenant("Acme", owner: ann)
            let refused = try await client.get("/api/auth/me", headers: eve.bearer.merging(["x-tenant-id": acme]) { $1 })
            #expect(refused.status == 403)
            #expect(refused.problem == "not-a-member")
            // Anonymous: the header is ignored, not trusted.
            let anonymous = try await client.get("/api/auth/me", headers: ["x-tenant-id": acme])
            #expect(anonymous.status == 401)
        }
    }
}
