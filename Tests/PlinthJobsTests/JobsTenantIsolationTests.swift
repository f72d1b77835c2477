import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PlinthJobs
import PlinthKernel
import PlinthTesting
import Testing

/// What one tenant's jobs may not do to another's, and the limits on what the API stores.
/// Without an auth plugin the kernel trusts `X-Tenant-ID`, which is enough to tell tenants apart.
@Suite struct JobsTenantIsolationTests {
    static let idle = ["PLINTH_JOBS_WORKER": "false"]

    func withJobs(_ backend: TestBackend, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await TestKernel.run(plugins: [PluginEntry(JobsPlugin.self)], backend: backend, environment: Self.idle) { kernel in
            try await kernel.test(body)
        }
    }

    static func send(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, tenant: String, json: String? = nil) async throws -> (status: Int, body: [String: Any], text: String) {
        var headers: HTTPFields = [.tenantID: tenant]
        if json != nil { headers[.contentType] = "application/json" }
        return try await client.execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }) { response in
            let text = String(buffer: response.body)
            return (Int(response.status.code), (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:], text)
        }
    }

    @Test(arguments: TestBackend.all)
    func aUniqueKeyIsTheTenantsOwn(backend: TestBackend) async throws {
        try await withJobs(backend) { client in
            let job = #"{"type":"jobs.noop","uniqueKey":"nightly-report"}"#
            let squatter = try await Self.send(client, .post, "/api/jobs", tenant: "bravo", json: job)
            #expect(squatter.status == 201)
            let mine = try await Self.send(client, .post, "/api/jobs", tenant: "alpha", json: job)
            #expect(mine.status == 201, "alpha's job is created, not bravo's returned")
            let mineID = try #require(mine.body["id"] as? Int)
            #expect(mineID != squatter.body["id"] as? Int)
            #expect(try await Self.send(client, .get, "/api/jobs/\(mineID)", tenant: "alpha").status == 200)
            // Within a tenant the key still holds.
            let again = try await Self.send(client, .post, "/api/jobs", tenant: "alpha", json: job)
            #expect(again.status == 200)
            #expect(again.body["id"] as? Int == mineID)
        }
    }

    @Test(arguments: TestBackend.all)
    func statisticsCountOnlyTheTenantsJobs(backend: TestBackend) async throws {
        try await withJobs(backend) { client in
            for _ in 0..<3 { _ = try await Self.send(client, .post, "/api/jobs", tenant: "alpha", json: #"{"type":"jobs.noop"}"#) }
            let alpha = try await Self.send(client, .get, "/api/jobs/stats", tenant: "alpha")
            #expect((alpha.body["jobs.noop"] as? [String: Int])?["available"] == 3)
            let empty = try await Self.send(client, .get, "/api/jobs/stats", tenant: "bravo")
            #expect(empty.status == 200)
            #expect(empty.body.isEmpty, "\(empty.text)")
        }
    }

    @Test(arguments: TestBackend.all)
    func payloadsPrioritiesAndListsAreBounded(backend: TestBackend) async throws {
        try await withJobs(backend) { client in
            let big = String(repeating: "x", count: 70_000)
            let tooBig = try await Self.send(client, .post, "/api/jobs", tenant: "alpha", json: #"{"type":"jobs.noop","payload":{"blob":"\#(big)"}}"#)
            #expect(tooBig.status == 413)
            #expect(tooBig.text.contains("PLINTH_JOBS_MAX_PAYLOAD"))
            for priority in ["101", "-101", "9223372036854775807"] {
                let answer = try await Self.send(client, .post, "/api/jobs", tenant: "alpha", json: #"{"type":"jobs.noop","priority":\#(priority)}"#)
                #expect(answer.status == 422, "priority \(priority)")
            }
            #expect(try await Self.send(client, .post, "/api/jobs", tenant: "alpha", json: #"{"type":"jobs.noop","priority":100,"payload":{"note":"kept"}}"#).status == 201)
            let list = try await Self.send(client, .get, "/api/jobs", tenant: "alpha")
            let jobs = try #require(list.body["jobs"] as? [[String: Any]])
            #expect(jobs.count == 1)
            #expect(jobs[0]["payload"] == nil, "lists leave payloads out")
            #expect(jobs[0]["priority"] as? Int == 100)
            let one = try await Self.send(client, .get, "/api/jobs/\(try #require(jobs[0]["id"] as? Int))", tenant: "alpha")
            #expect((one.body["payload"] as? String)?.contains("kept") == true)
        }
    }
}
