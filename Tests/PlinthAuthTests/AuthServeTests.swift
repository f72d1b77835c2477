import Foundation
import PlinthTesting
import Testing

/// The issue's walk-through, as a new user does it with curl against `plinth serve`.
@Suite(.serialized) struct AuthServeTests {
    /// Runs curl; returns the status and body.
    static func curl(_ arguments: [String]) async throws -> (status: Int, body: String, headers: String) {
        let folder = NSTemporaryDirectory() + "curl-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try await runTool(["curl", "-sS", "-D", folder, "-o", "-", "-w", "\n%{http_code}"] + arguments)
        let text = String(decoding: result.stdout, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let headers = (try? String(contentsOfFile: folder, encoding: .utf8)) ?? ""
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"), headers)
    }

    static func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    @Test func registerLoginRefreshReuseLockoutAndAKeyAtItsLimit() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = try PlinthProcess(["serve"], environment: ["PORT": "0", "PLINTH_DATA_DIR": folder, "BCRYPT_ROUNDS": "4", "API_KEY_RATE_LIMIT": "3"], directory: folder)
        defer { server.signal(SIGTERM) }
        let url = try await server.waitUntilListening()
        let json = ["-H", "content-type: application/json"]
        func post(_ path: String, _ body: String, _ extra: [String] = []) async throws -> (status: Int, body: String, headers: String) {
            try await Self.curl(json + extra + ["-X", "POST", "\(url)\(path)", "-d", body])
        }

        #expect(try await post("/api/auth/register", #"{"email":"ann@example.com","password":"correct horse battery"}"#).status == 202)
        let login = try await post("/api/auth/login", #"{"email":"ann@example.com","password":"correct horse battery"}"#)
        #expect(login.status == 200)
        let access = try #require(Self.json(login.body)["accessToken"] as? String)
        let refresh = try #require(Self.json(login.body)["refreshToken"] as? String)
        let me = try await Self.curl(["-H", "authorization: Bearer \(access)", "\(url)/api/auth/me"])
        #expect(me.status == 200)
        #expect(me.body.contains("ann@example.com"))

        let rotated = try await post("/api/auth/refresh", #"{"refreshToken":"\#(refresh)"}"#)
        #expect(rotated.status == 200)
        let newest = try #require(Self.json(rotated.body)["refreshToken"] as? String)
        let reuse = try await post("/api/auth/refresh", #"{"refreshToken":"\#(refresh)"}"#)
        #expect(reuse.status == 401)
        #expect(reuse.body.contains("invalid_grant"))
        #expect(reuse.headers.lowercased().contains("content-type: application/problem+json"))
        #expect(try await post("/api/auth/refresh", #"{"refreshToken":"\#(newest)"}"#).status == 401)

        for _ in 0..<6 {
            #expect(try await post("/api/auth/login", #"{"email":"ann@example.com","password":"not my password"}"#).status == 401)
        }
        #expect(try await post("/api/auth/login", #"{"email":"ann@example.com","password":"correct horse battery"}"#).status == 401)

        #expect(try await post("/api/auth/register", #"{"email":"bob@example.com","password":"another fine passphrase"}"#).status == 202)
        try await MailOutbox(dataDirectory: folder).verify("bob@example.com", at: url)
        let bob = try #require(Self.json(try await post("/api/auth/login", #"{"email":"bob@example.com","password":"another fine passphrase"}"#).body)["accessToken"] as? String)
        let created = try await post("/api/auth/api-keys", #"{"name":"ci"}"#, ["-H", "authorization: Bearer \(bob)"])
        #expect(created.status == 201)
        let key = try #require(Self.json(created.body)["key"] as? String)
        for _ in 0..<3 {
            #expect(try await Self.curl(["-H", "x-api-key: \(key)", "\(url)/api/auth/me"]).status == 200)
        }
        let limited = try await Self.curl(["-H", "x-api-key: \(key)", "\(url)/api/auth/me"])
        #expect(limited.status == 429)
        #expect(limited.headers.lowercased().contains("retry-after:"))
        #expect(limited.headers.lowercased().contains("ratelimit-remaining: 0"))

        // No secret reached the server's log (read once the last request's line is in).
        _ = try await server.waitForLine(containing: "status=429", timeout: 10)
        for secret in [access, refresh, newest, key, "correct horse battery", "not my password"] {
            #expect(!server.log.contains(secret))
        }
    }
}
