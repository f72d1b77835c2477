import Foundation
@testable import PlinthAuth
import PlinthJobs
import PlinthKernel
import PlinthStorage
import PlinthWorkscript
import PlinthTesting
import Testing

/// With the auth plugin installed, the storage and jobs routes take the verified tenant and
/// check the caller's permissions instead of trusting `X-Tenant-ID`.
@Suite struct PluginPermissionTests {
    @Test(arguments: TestBackend.all)
    func storageAndJobsNeedASignedInMemberOfTheTenant(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend, plugins: [PluginEntry(StoragePlugin.self), PluginEntry(JobsPlugin.self)]) { client, _ in
            let ann = try await client.signUp("ann@example.com")
            let bob = try await client.signUp("bob@example.com")
            let acme = try await client.tenant("Acme", owner: ann)
            try await client.addMember(bob, "bob@example.com", role: "member", to: acme, by: ann)
            let eve = try await client.signUp("eve@example.com")
            let inAcme = ["x-tenant-id": acme]

            // Anonymous with a tenant header: no longer trusted.
            #expect(try await client.get("/api/storage/objects", headers: inAcme).status == 401)
            #expect(try await client.get("/api/jobs", headers: inAcme).status == 401)
            #expect(try await client.get("/api/jobs").status == 401)
            // A stranger to the tenant.
            #expect(try await client.get("/api/storage/objects", headers: eve.bearer.merging(inAcme) { $1 }).status == 403)
            // Signed in but no tenant chosen.
            let noTenant = try await client.get("/api/jobs", headers: ann.bearer)
            #expect(noTenant.status == 403)
            #expect(noTenant.problem == "tenant-required")

            // Members read and write files in their tenant.
            let put = try await client.call(.put, "/api/storage/objects/notes.txt", headers: bob.bearer.merging(inAcme) { $1 })
            #expect(put.status == 201)
            #expect(try await client.get("/api/storage/objects", headers: ann.bearer.merging(inAcme) { $1 }).text.contains("notes.txt"))
            // Members see jobs; only owners and admins enqueue; nobody edits schedules through the API.
            #expect(try await client.get("/api/jobs", headers: bob.bearer.merging(inAcme) { $1 }).status == 200)
            #expect(try await client.post("/api/jobs", ["type": "jobs.noop"], headers: bob.bearer.merging(inAcme) { $1 }).status == 403)
            #expect(try await client.post("/api/jobs", ["type": "jobs.noop"], headers: ann.bearer.merging(inAcme) { $1 }).status == 201)
            #expect(try await client.post("/api/jobs/schedules", ["name": "x", "expression": "@daily", "type": "jobs.noop"], headers: ann.bearer.merging(inAcme) { $1 }).status == 403)

            // An API key limited to reading files cannot upload.
            let key = try #require(try await client.post("/api/auth/api-keys", ["name": "reader", "tenant": acme, "scopes": ["storage.objects.read"]], headers: ann.bearer).string("key"))
            #expect(try await client.get("/api/storage/objects", headers: ["x-api-key": key]).status == 200)
            #expect(try await client.call(.put, "/api/storage/objects/x.txt", headers: ["x-api-key": key]).status == 403)
        }
    }

    /// Running a workflow executes code on the server: it needs a member of the tenant; the
    /// node catalogue is documentation and open, as upstream's.
    @Test(arguments: TestBackend.all)
    func workflowsNeedASignedInMemberAndTheNodeCatalogueIsOpen(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend, plugins: [PluginEntry(WorkscriptPlugin.self)]) { client, _ in
            let ann = try await client.signUp("ann@example.com")
            let acme = try await client.tenant("Acme", owner: ann)
            let eve = try await client.signUp("eve@example.com")
            let definition: [String: any Sendable] = ["id": "w", "name": "w", "version": "1.0.0", "workflow": [["math": ["operation": "add", "values": [1, 2]] as [String: any Sendable]]]]
            #expect(try await client.post("/workscript/workflows/run", ["definition": definition], headers: ["x-tenant-id": acme]).status == 401)
            #expect(try await client.post("/workscript/workflows/validate", definition).status == 401)
            #expect(try await client.post("/workscript/workflows/run", ["definition": definition], headers: eve.bearer.merging(["x-tenant-id": acme]) { $1 }).status == 403)
            let run = try await client.post("/workscript/workflows/run", ["definition": definition], headers: ann.bearer.merging(["x-tenant-id": acme]) { $1 })
            #expect(run.status == 200)
            #expect((run.json["finalState"] as? [String: Any])?["mathResult"] as? Int == 3)
            #expect(try await client.get("/workscript/nodes").status == 200)
        }
    }
}
