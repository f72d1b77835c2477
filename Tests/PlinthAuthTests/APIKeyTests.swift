import Foundation
@testable import PlinthAuth
import PlinthKernel
import PlinthTesting
import SQLKit
import Testing

/// Checklist E 54–57: API keys.
@Suite struct APIKeyTests {
    @Test(arguments: TestBackend.all)
    func aKeyIsShownOnceStoredHashedAndWorksOnlyInTheHeader(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend) { client, kernel in
            let ann = try await client.signUp("ann@example.com")
            let created = try await client.post("/api/auth/api-keys", ["name": "ci"], headers: ann.bearer)
            #expect(created.status == 201)
            let key = try #require(created.string("key"))
            let parts = key.split(separator: "_", maxSplits: 2)
            #expect(parts.count == 3 && parts[0] == "plk")
            let secret = parts[2]
            // base64url of 24 random bytes: 192 bits, over the checklist's 128.
            let decoded = Data(base64Encoded: secret.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/"))
            #expect(decoded?.count == 24)
            // Listed without the key.
            let list = try await client.get("/api/auth/api-keys", headers: ann.bearer)
            #expect(list.status == 200)
            #expect(!list.text.contains(String(secret)))
            // Only its SHA-256 is stored.
            let row = try #require(try await kernel.database.sql.raw("SELECT * FROM auth_api_keys").first())
            #expect(try row.decode(column: "key_hash", as: String.self) == APIKeys.sha256(key))
            for column in ["key_hash", "prefix", "name", "scopes"] {
                let value = try row.decode(column: column, as: String.self)
                #expect(!value.contains(String(secret)))
            }

            let me = try await client.get("/api/auth/me", headers: ["x-api-key": key])
            #expect(me.status == 200)
            #expect(me.string("method") == "api_key")
            #expect(me.headers[.init("ratelimit-limit")!] == "1000")
            // Never in the URL, never as a bearer token.
            let inURL = try await client.get("/api/auth/me?api_key=\(key)")
            #expect(inURL.status == 401)
            #expect(inURL.problem == "api-key-in-url")
            #expect(try await client.get("/api/auth/me", headers: ["authorization": "Bearer \(key)"]).status == 401)
            // A key cannot mint keys, sessions or change the password.
            #expect(try await client.post("/api/auth/api-keys", ["name": "more"], headers: ["x-api-key": key]).status == 403)
            let viaKey = try await client.post("/api/auth/login", ["email": "ann@example.com", "password": "x"], headers: ["x-api-key": key])
            #expect(viaKey.status == 401)
            #expect(viaKey.cookies.isEmpty)
            #expect(try await client.get("/api/auth/sessions", headers: ["x-api-key": key]).status == 403)
            #expect(try await kernel.audit.recent(action: "auth.api_key.created").count == 1)
        }
    }

    @Test(arguments: TestBackend.all)
    func revokedAndExpiredKeysGet401AtOnce(backend: TestBackend) async throws {
        let clock = ManualClock()
        try await AuthHarness.run(backend: backend, clock: clock) { client, kernel in
            let ann = try await client.signUp("ann@example.com")
            let created = try await client.post("/api/auth/api-keys", ["name": "short", "expiresIn": 60], headers: ann.bearer)
            let key = try #require(created.string("key"))
            let id = try #require(created.string("id"))
            #expect(try await client.get("/api/auth/me", headers: ["x-api-key": key]).status == 200)
            clock.advance(by: 61)
            #expect(try await client.get("/api/auth/me", headers: ["x-api-key": key]).status == 401)

            let lasting = try #require(try await client.post("/api/auth/api-keys", ["name": "lasting"], headers: ann.bearer).string("key"))
            let listed = try await client.get("/api/auth/api-keys", headers: ann.bearer).json["items"] as? [[String: Any]]
            let lastingID = try #require(listed?.first?["id"] as? String)
            #expect(try await client.get("/api/auth/me", headers: ["x-api-key": lasting]).status == 200)
            #expect(try await client.call(.delete, "/api/auth/api-keys/\(lastingID)", headers: ann.bearer).status == 204)
            let revoked = try await client.get("/api/auth/me", headers: ["x-api-key": lasting])
            #expect(revoked.status == 401)
            #expect(revoked.problem == "invalid-api-key")
            #expect(try await client.call(.delete, "/api/auth/api-keys/\(lastingID)", headers: ann.bearer).status == 404)
            #expect(!id.isEmpty)
            // Default lifetime: API_KEY_EXPIRY, 30 days.
            let defaulted = try await client.post("/api/auth/api-keys", ["name": "default"], headers: ann.bearer)
            let expiresAt = try #require(defaulted.string("expiresAt"))
            let expires = try #require(ISO8601DateFormatter().date(from: expiresAt))
            #expect(abs(expires.timeIntervalSince(clock.now) - 2_592_000) < 2)
            #expect(try await kernel.audit.recent(action: "auth.api_key.revoked").count == 1)
        }
    }
}
