import Foundation
@testable import PlinthAuth
import PlinthJobs
import PlinthKernel
import PlinthTesting
import Testing

/// A job-event stream stops once its caller may no longer see the tenant's jobs.
@Suite struct StreamRevocationTests {
    static let plugins = [PluginEntry(JobsPlugin.self)]
    static let fast = ["PLINTH_JOBS_POLL_INTERVAL": "50ms", "PLINTH_JOBS_IDLE_POLL_INTERVAL": "200ms"]

    /// Opens bob's stream, runs `revoke`, then enqueues a job; returns the stream's text (it
    /// must end by itself) and the id of the job enqueued after the revocation was seen.
    static func streamAcross(_ client: AuthClient, _ revoke: @escaping @Sendable (SignedIn, SignedIn, String) async throws -> Void) async throws -> (text: String, late: String) {
        let ann = try await client.signUp("ann@example.com")
        let bob = try await client.signUp("bob@example.com")
        let acme = try await client.tenant("Acme", owner: ann)
        try await client.addMember(bob, "bob@example.com", role: "member", to: acme, by: ann)
        let annInAcme = ann.bearer.merging(["x-tenant-id": acme]) { $1 }
        return try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask { try await client.get("/api/jobs/events", headers: bob.bearer.merging(["x-tenant-id": acme]) { $1 }).text }
            group.addTask {
                try await Task.sleep(for: .seconds(20))
                return nil
            }
            // Time for the stream to subscribe, on a busy machine too.
            try await Task.sleep(for: .seconds(1))
            let early = try #require(try await client.post("/api/jobs", ["type": "jobs.noop"], headers: annInAcme).json["id"] as? Int)
            try await Task.sleep(for: .milliseconds(300))
            try await revoke(ann, bob, acme)
            // The stream checks every second; after three, anything new is past a check.
            try await Task.sleep(for: .seconds(3))
            let late = try #require(try await client.post("/api/jobs", ["type": "jobs.noop"], headers: annInAcme).json["id"] as? Int)
            let text = try await group.next() ?? nil
            group.cancelAll()
            let streamed = try #require(text, "the stream did not end within 20 s")
            #expect(streamed.contains("\"id\":\(early)"), "events before the revocation arrive")
            return (streamed, "\"id\":\(late)")
        }
    }

    @Test(arguments: TestBackend.all)
    func removingTheMemberEndsTheirStream(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend, environment: Self.fast, plugins: Self.plugins) { client, _ in
            let (text, late) = try await Self.streamAcross(client) { ann, bob, acme async throws in
                #expect(try await client.call(.delete, "/api/tenants/\(acme)/members/\(bob.user)", headers: ann.bearer).status == 204)
            }
            #expect(text.contains("event: end"))
            #expect(text.contains("credentials-revoked"))
            #expect(!text.contains(late))
        }
    }

    @Test(arguments: TestBackend.all)
    func signingOutEndsTheStream(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend, environment: Self.fast, plugins: Self.plugins) { client, _ in
            let (text, late) = try await Self.streamAcross(client) { _, bob, _ async throws in
                #expect(try await client.post("/api/auth/logout", [:], headers: bob.bearer).status == 204)
            }
            #expect(text.contains("event: end"))
            #expect(!text.contains(late))
        }
    }
}
