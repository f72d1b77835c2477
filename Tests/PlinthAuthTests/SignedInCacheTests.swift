import Foundation
@testable import PlinthAuth
import PlinthKernel
import PlinthTesting
import Testing

/// The signed-in path caches live sign-ins, keys and roles on each instance; a change on one
/// instance must be refused by the very next request on another.
@Suite struct SignedInCacheTests {
    static func twoInstances(_ backend: TestBackend, environment: [String: String] = [:],
                             _ body: @escaping @Sendable (AuthClient, AuthClient) async throws -> Void) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let env = environment.merging(["PLINTH_DATA_DIR": folder]) { $1 }
        try await AuthHarness.run(backend: backend, environment: env, schema: schema) { first, _ in
            try await AuthHarness.run(backend: backend, environment: env, schema: schema) { second, _ in
                try await body(first, second)
            }
        }
        try await AuthHarness.dropSchema(schema, backend: backend)
    }

    @Test(arguments: TestBackend.all)
    func aSignOutOnOneInstanceIsRefusedByTheNextRequestOnAnother(backend: TestBackend) async throws {
        try await Self.twoInstances(backend) { first, second in
            let ann = try await first.signUp("ann@example.com")
            // The second instance has the sign-in cached by now.
            for _ in 0..<3 { #expect(try await second.get("/api/auth/me", headers: ann.bearer).status == 200) }
            #expect(try await first.post("/api/auth/logout", headers: ann.bearer).status == 204)
            let refused = try await second.get("/api/auth/me", headers: ann.bearer)
            #expect(refused.status == 401)
            #expect(try await first.get("/api/auth/me", headers: ann.bearer).status == 401)
        }
    }

    @Test(arguments: TestBackend.all)
    func aRevokedKeyAndARemovedMemberAreRefusedAtOnceOnAnotherInstance(backend: TestBackend) async throws {
        try await Self.twoInstances(backend) { first, second in
            let ann = try await first.signUp("ann@example.com")
            let bob = try await first.signUp("bob@example.com")
            let acme = try await first.tenant("Acme", owner: ann)
            try await first.addMember(bob, "bob@example.com", role: "member", to: acme, by: ann)
            let created = try await first.post("/api/auth/api-keys", ["name": "ci"], headers: ann.bearer)
            let key = try #require(created.string("key"))
            let keyID = try #require(created.string("id"))
            let asBob = bob.bearer.merging(["x-tenant-id": acme]) { $1 }
            for _ in 0..<3 {
                #expect(try await second.get("/api/auth/me", headers: ["x-api-key": key]).status == 200)
                #expect(try await second.get("/api/auth/me", headers: asBob).status == 200)
            }
            #expect(try await first.call(.delete, "/api/auth/api-keys/\(keyID)", headers: ann.bearer).status == 204)
            #expect(try await second.get("/api/auth/me", headers: ["x-api-key": key]).status == 401)
            #expect(try await first.call(.delete, "/api/tenants/\(acme)/members/\(bob.user)", headers: ann.bearer).status == 204)
            let outside = try await second.get("/api/auth/me", headers: asBob)
            #expect(outside.status == 403)
            #expect(outside.problem == "not-a-member")
            // And the membership list the second instance answers no longer shows the tenant.
            let me = try await second.get("/api/auth/me", headers: bob.bearer)
            #expect((me.json["tenants"] as? [Any])?.isEmpty == true)
        }
    }

    /// Two kernels on one database share the count; each adds its requests to the shared row every
    /// second, so the limit is overshot at most by what the other instance admitted since the last
    /// read, and holds on both once each has flushed and read the sum again.
    @Test(arguments: TestBackend.all)
    func theHourlyLimitIsPerKeyAndHoldsAcrossInstancesOnceBothHaveFlushed(backend: TestBackend) async throws {
        let limit = 20
        try await Self.twoInstances(backend, environment: ["API_KEY_RATE_LIMIT": String(limit)]) { first, second in
            let ann = try await first.signUp("ann@example.com")
            let a = try #require(try await first.post("/api/auth/api-keys", ["name": "a"], headers: ann.bearer).string("key"))
            let b = try #require(try await first.post("/api/auth/api-keys", ["name": "b"], headers: ann.bearer).string("key"))
            for i in 0..<limit {
                let answer = try await (i % 2 == 0 ? first : second).get("/api/auth/me", headers: ["x-api-key": a])
                if answer.status != 200 { Issue.record("request \(i + 1) got \(answer.status)"); return }
            }
            var extra = 0
            while try await second.get("/api/auth/me", headers: ["x-api-key": a]).status == 200, extra <= limit { extra += 1 }
            #expect(extra <= limit / 2, "the second instance admitted \(extra) over the limit; the bound is what the first admitted since its read")
            // Each instance adds its count within one interval, and the other reads the sum at its next
            // request once its own read is older than an interval: wait past two. A busy machine can
            // delay a flush, so a straggler is tolerated; a count that is not shared would let
            // each instance admit the other's half of the limit again.
            try await Task.sleep(for: .milliseconds(2_500))
            for client in [first, second] {
                var over = try await client.get("/api/auth/me", headers: ["x-api-key": a])
                var stragglers = 0
                while over.status == 200, stragglers < limit {
                    stragglers += 1
                    try await Task.sleep(for: .milliseconds(400))
                    over = try await client.get("/api/auth/me", headers: ["x-api-key": a])
                }
                #expect(stragglers <= 3, "an instance admitted \(stragglers) requests after both had flushed")
                #expect(over.status == 429)
                #expect(over.problem == "rate-limited")
                #expect(over.headers[.init("ratelimit-remaining")!] == "0")
                #expect(over.headers[.init("ratelimit-limit")!] == String(limit))
                #expect((1...3600).contains(try #require(over.headers[.retryAfter].flatMap { Int($0) })))
            }
            // Per key: the other key of the same user is unaffected.
            #expect(try await first.get("/api/auth/me", headers: ["x-api-key": b]).status == 200)
        }
    }

    @Test(arguments: TestBackend.all)
    func oneInstanceCountsExactly(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend, environment: ["API_KEY_RATE_LIMIT": "5"]) { client, _ in
            let ann = try await client.signUp("ann@example.com")
            let key = try #require(try await client.post("/api/auth/api-keys", ["name": "a"], headers: ann.bearer).string("key"))
            var remaining: [String] = []
            for _ in 0..<5 {
                let answer = try await client.get("/api/auth/me", headers: ["x-api-key": key])
                #expect(answer.status == 200)
                remaining.append(answer.headers[.init("ratelimit-remaining")!] ?? "?")
            }
            #expect(remaining == ["4", "3", "2", "1", "0"])
            #expect(try await client.get("/api/auth/me", headers: ["x-api-key": key]).status == 429)
        }
    }
}

/// The counting behind the API-key limit, without a database.
@Suite struct APIKeyTallyTests {
    @Test func aKeyIsReadOnceAWindowThenCountedInMemoryAndFlushed() {
        var tallies = APIKeyUsage.Tallies()
        #expect(tallies.count("k", window: 7, now: 0, maxAge: 1) == nil)
        #expect(tallies.read("k", window: 7, total: 3, now: 0) == 3) // two from elsewhere, and this request
        #expect(tallies.count("k", window: 7, now: 0.5, maxAge: 1) == 4)
        #expect(tallies.count("k", window: 7, now: 0.5, maxAge: 1) == 5)
        let batch = tallies.takePending(window: 7)
        #expect(batch.count == 1 && batch[0].count == 2)
        #expect(tallies.takePending(window: 7).isEmpty)
        // The flush read back what another instance added meanwhile.
        tallies.flushed("k", window: 7, total: 9, now: 1)
        #expect(tallies.count("k", window: 7, now: 1.5, maxAge: 1) == 10)
        // A new hour starts from the shared row again.
        #expect(tallies.count("k", window: 8, now: 1.5, maxAge: 1) == nil)
    }

    @Test func aTotalOlderThanOneIntervalIsReadAgain() {
        var tallies = APIKeyUsage.Tallies()
        _ = tallies.read("k", window: 1, total: 1, now: 0)
        #expect(tallies.count("k", window: 1, now: 0.9, maxAge: 1) == 2)
        // Quiet for longer than an interval: other instances may have counted meanwhile.
        #expect(tallies.count("k", window: 1, now: 2.5, maxAge: 1) == nil)
        // The read (with this request) sees the row plus what is still pending here.
        #expect(tallies.read("k", window: 1, total: 30, now: 2.5) == 31)
    }

    @Test func aFailedFlushKeepsItsCountsForTheNext() {
        var tallies = APIKeyUsage.Tallies()
        _ = tallies.read("k", window: 1, total: 1, now: 0)
        _ = tallies.count("k", window: 1, now: 0, maxAge: 1)
        _ = tallies.count("k", window: 1, now: 0, maxAge: 1)
        let batch = tallies.takePending(window: 1)
        tallies.failed("k", window: 1, count: batch[0].count)
        #expect(tallies.count("k", window: 1, now: 0, maxAge: 1) == 4)
        #expect(tallies.takePending(window: 1).first?.count == 3)
    }

    @Test func pastWindowsAreForgottenOnceFlushed() {
        var tallies = APIKeyUsage.Tallies()
        _ = tallies.read("k", window: 1, total: 1, now: 0)
        _ = tallies.count("k", window: 1, now: 0, maxAge: 1)
        #expect(tallies.takePending(window: 2).first?.count == 1)
        #expect(tallies.byKey.isEmpty)
    }
}
