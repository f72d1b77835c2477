import Foundation
import HTTPTypes
import NIOCore
@testable import PlinthAuth
import PlinthKernel
import PlinthTesting
import Testing

/// Limits on the routes anyone may call, counted in the database per client address and per
/// email address; and the body types those routes take.
@Suite struct AuthRateLimitTests {
    /// Windows are fixed (a minute, an hour) on the kernel's clock: a clock that stands still
    /// keeps a test's requests in one window however the wall clock falls.
    @Test(arguments: TestBackend.all)
    func loginsFromOneAddressAreLimitedBeforeBcrypt(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend, environment: ["PLINTH_AUTH_LOGIN_LIMIT": "5"], clock: ManualClock(), live: true) { client, kernel in
            try await client.register("ann@example.com")
            for i in 0..<5 {
                #expect(try await client.post("/api/auth/login", ["email": "user\(i)@example.com", "password": "wrong password"]).status == 401)
            }
            let limited = try await client.post("/api/auth/login", ["email": "ann@example.com", "password": AuthHarness.password])
            #expect(limited.status == 429)
            #expect(limited.problem == "rate-limited")
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 > 0)
            #expect(limited.text.contains("PLINTH_AUTH_LOGIN_LIMIT"))
            // The limited attempt reached neither bcrypt nor the account's lockout count.
            #expect(try await kernel.audit.recent(action: "auth.login.failed").count == 5)
        }
    }

    @Test(arguments: TestBackend.all)
    func resetMailsToOneAddressAreLimitedWhetherOrNotItHasAnAccount(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend, clock: ManualClock(), live: true) { client, kernel in
            try await client.register("ann@example.com")
            for email in ["ann@example.com", "nobody@example.com"] {
                var statuses: [Int] = []
                for _ in 0..<5 { statuses.append(try await client.post("/api/auth/password/forgot", ["email": email]).status) }
                #expect(statuses == [202, 202, 202, 429, 429], "\(email)")
            }
            _ = try await AuthHarness.lastMail(kernel)
            let folder = MailOutbox(dataDirectory: kernel.configuration.dataDirectory).folder
            let resets = try FileManager.default.contentsOfDirectory(atPath: folder).filter { name in
                (try? String(contentsOfFile: folder + "/" + name, encoding: .utf8))?.contains("Subject: Reset your password") == true
            }
            #expect(resets.count == 3)
        }
    }

    @Test(arguments: TestBackend.all)
    func limitsHoldAcrossInstancesOnOneDatabase(backend: TestBackend) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let env = ["PLINTH_DATA_DIR": folder, "PLINTH_AUTH_REGISTER_LIMIT": "2"]
        let clock = ManualClock()
        try await AuthHarness.run(backend: backend, environment: env, clock: clock, schema: schema, live: true) { first, _ in
            try await AuthHarness.run(backend: backend, environment: env, clock: clock, schema: schema, live: true) { second, _ async throws in
                #expect(try await first.post("/api/auth/register", ["email": "a@example.com", "password": AuthHarness.password]).status == 202)
                #expect(try await second.post("/api/auth/register", ["email": "b@example.com", "password": AuthHarness.password]).status == 202)
                #expect(try await first.post("/api/auth/register", ["email": "c@example.com", "password": AuthHarness.password]).status == 429)
                #expect(try await second.post("/api/auth/register", ["email": "d@example.com", "password": AuthHarness.password]).status == 429)
            }
        }
        try await AuthHarness.dropSchema(schema, backend: backend)
    }

    @Test(arguments: TestBackend.all)
    func aCrossSiteFormOrTextLoginIsRefused(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend) { client, _ in
            try await client.signUp("ann@example.com")
            let body = #"{"email":"ann@example.com","password":"\#(AuthHarness.password)","mode":"cookie"}"#
            for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", nil] {
                var fields = HTTPFields()
                if let type { fields[.contentType] = type }
                let answer: (status: Int, cookies: [String]) = try await client.client.execute(uri: "/api/auth/login", method: .post, headers: fields, body: ByteBuffer(string: body)) { response in
                    (Int(response.status.code), response.headers[values: .setCookie])
                }
                #expect(answer.status == 415, "\(type ?? "no type")")
                #expect(answer.cookies.isEmpty, "no session for \(type ?? "no type")")
            }
            #expect(try await client.post("/api/auth/login", ["email": "ann@example.com", "password": AuthHarness.password, "mode": "cookie"]).status == 200)
        }
    }
}
