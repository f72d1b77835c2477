import Foundation
@testable import PlinthAuth
import PlinthKernel
import PlinthTesting
import SQLKit
import Testing

/// Attacks on tenancy that once got through: a tenant-bound key managing another tenant, owners
/// demoting each other at once, parallel adds of one member.
@Suite struct TenantAttackTests {
    @Test(arguments: TestBackend.all)
    func aTenantBoundKeyCannotManageAnotherTenantThroughItsPath(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend) { client, _ in
            let ann = try await client.signUp("ann@example.com")
            let bob = try await client.signUp("bob@example.com")
            let s1 = try await client.tenant("S1", owner: ann)
            let s2 = try await client.tenant("S2", owner: ann)
            let key = try #require(try await client.post("/api/auth/api-keys", ["name": "s1", "tenant": s1], headers: ann.bearer).string("key"))
            let headers = ["x-api-key": key]
            #expect(try await client.get("/api/auth/me", headers: headers.merging(["x-tenant-id": s2]) { $1 }).status == 403)
            let add = try await client.post("/api/tenants/\(s2)/members", ["email": "bob@example.com", "role": "admin"], headers: headers)
            #expect(add.status == 403)
            #expect(add.problem == "tenant-mismatch")
            #expect(try await client.get("/api/tenants/\(s2)/members", headers: headers).status == 403)
            #expect(try await client.call(.patch, "/api/tenants/\(s2)/members/\(ann.user)", json: ["role": "owner"], headers: headers).status == 403)
            #expect(try await client.call(.delete, "/api/tenants/\(s2)/members/\(ann.user)", headers: headers).status == 403)
            // Its own tenant it manages as its scopes allow, and it lists no other tenant.
            #expect(try await client.post("/api/tenants/\(s1)/members", ["email": "bob@example.com", "role": "member"], headers: headers).status == 202)
            let listed = (try await client.get("/api/tenants", headers: headers).json["items"] as? [[String: Any]])?.compactMap { $0["tenant"] as? String }
            #expect(listed == [s1])
            let me = (try await client.get("/api/auth/me", headers: headers).json["tenants"] as? [[String: Any]])?.compactMap { $0["tenant"] as? String }
            #expect(me == [s1])
            // Bob was never added to S2.
            #expect(try await client.get("/api/tenants/\(s2)/members", headers: bob.bearer).status == 403)
        }
    }

    @Test(arguments: TestBackend.all)
    func aKeyWithoutTheManageScopeCannotManageItsOwnTenant(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend) { client, _ in
            let ann = try await client.signUp("ann@example.com")
            _ = try await client.signUp("bob@example.com")
            let s1 = try await client.tenant("S1", owner: ann)
            let key = try #require(try await client.post("/api/auth/api-keys", ["name": "read", "tenant": s1, "scopes": [TenantRoutes.readMembers]], headers: ann.bearer).string("key"))
            #expect(try await client.get("/api/tenants/\(s1)/members", headers: ["x-api-key": key]).status == 200)
            #expect(try await client.post("/api/tenants/\(s1)/members", ["email": "bob@example.com", "role": "admin"], headers: ["x-api-key": key]).status == 403)
        }
    }

    @Test(arguments: TestBackend.all)
    func ownersDemotingEachOtherAtOnceLeaveAnOwner(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend) { client, kernel in
            let ann = try await client.signUp("ann@example.com")
            let bob = try await client.signUp("bob@example.com")
            var tenants: [String] = []
            for i in 0..<10 {
                let tenant = try await client.tenant("T\(i)", owner: ann)
                try await client.addMember(bob, "bob@example.com", role: "owner", to: tenant, by: ann)
                tenants.append(tenant)
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for tenant in tenants {
                    group.addTask { _ = try await client.call(.patch, "/api/tenants/\(tenant)/members/\(bob.user)", json: ["role": "member"], headers: ann.bearer) }
                    group.addTask { _ = try await client.call(.delete, "/api/tenants/\(tenant)/members/\(ann.user)", headers: bob.bearer) }
                }
                try await group.waitForAll()
            }
            for tenant in tenants {
                let owners = try await kernel.database.tenantTransaction(tenant: tenant) { sql in
                    try await sql.raw("SELECT COUNT(*) AS n FROM auth_memberships WHERE tenant_id = \(bind: tenant) AND role = 'owner'").first()?.decode(column: "n", as: Int.self)
                }
                #expect(owners == 1, "tenant \(tenant)")
            }
        }
    }

    @Test(arguments: TestBackend.all)
    func parallelInvitesAndAcceptsGiveOneMembershipAndNo500(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend) { client, kernel in
            let ann = try await client.signUp("ann@example.com")
            let bob = try await client.signUp("bob@example.com")
            let acme = try await client.tenant("Acme", owner: ann)
            let invited = try await withThrowingTaskGroup(of: Answer.self) { group in
                for _ in 0..<10 {
                    group.addTask { try await client.post("/api/tenants/\(acme)/members", ["email": "bob@example.com", "role": "member"], headers: ann.bearer) }
                }
                return try await group.reduce(into: [Answer]()) { $0.append($1) }
            }
            #expect(invited.map(\.status) == Array(repeating: 202, count: 10))
            #expect(Set(invited.compactMap { $0.string("id") }).count == 1, "one invitation per address")
            let id = try #require(invited.first?.string("id"))
            let accepted = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<10 { group.addTask { try await client.post("/api/tenants/invitations/\(id)/accept", [:], headers: bob.bearer).status } }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(accepted.filter { $0 == 201 }.count == 1)
            #expect(accepted.filter { $0 == 404 }.count == 9, "\(accepted)")
            #expect(try await kernel.database.tenantTransaction(tenant: acme) { sql in
                try await sql.raw("SELECT COUNT(*) AS n FROM auth_memberships WHERE tenant_id = \(bind: acme)").first()?.decode(column: "n", as: Int.self)
            } == 2)
        }
    }

    @Test(arguments: TestBackend.all)
    func addingByEmailInvitesAndAnswersAlikeForUnknownAddresses(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend) { client, kernel in
            let ann = try await client.signUp("ann@example.com")
            let bob = try await client.signUp("bob@example.com")
            let acme = try await client.tenant("Acme", owner: ann)
            func shape(_ answer: Answer) -> String {
                "\(answer.status) \(answer.json.keys.sorted()) \(answer.string("role") ?? "") \(answer.string("tenant") ?? "")"
            }
            let known = try await client.post("/api/tenants/\(acme)/members", ["email": "bob@example.com", "role": "admin"], headers: ann.bearer)
            let unknown = try await client.post("/api/tenants/\(acme)/members", ["email": "nobody@example.com", "role": "admin"], headers: ann.bearer)
            #expect(known.status == 202)
            #expect(shape(known) == shape(unknown))
            // Nobody is a member until they accept.
            let members = try await client.get("/api/tenants/\(acme)/members", headers: ann.bearer).json["items"] as? [[String: Any]]
            #expect(members?.count == 1)
            #expect(try await client.get("/api/tenants/\(acme)/members", headers: bob.bearer).status == 403)
            // Bob sees the invitation and may decline it; the inviter sees both pending.
            let mine = try #require(try await client.get("/api/tenants/invitations", headers: bob.bearer).json["items"] as? [[String: Any]])
            #expect(mine.count == 1)
            #expect(mine.first?["tenantName"] as? String == "Acme")
            #expect((try await client.get("/api/tenants/\(acme)/invitations", headers: ann.bearer).json["items"] as? [[String: Any]])?.count == 2)
            #expect(try await client.call(.delete, "/api/tenants/invitations/\(try #require(mine.first?["id"] as? String))", headers: bob.bearer).status == 204)
            #expect(try await client.get("/api/tenants/\(acme)/members", headers: bob.bearer).status == 403)
            // An account that registered an invited address without verifying it cannot accept.
            try await client.register("nobody@example.com")
            let squatter = try await client.login("nobody@example.com")
            let pending = try await client.get("/api/tenants/invitations", headers: squatter.bearer)
            #expect(pending.status == 403)
            #expect(pending.problem == "email-unverified")
            _ = try await AuthHarness.lastMail(kernel)
        }
    }
}
