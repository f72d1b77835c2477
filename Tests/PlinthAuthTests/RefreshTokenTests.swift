import Foundation
@testable import PlinthAuth
import PlinthKernel
import PlinthTesting
import SQLKit
import Testing

/// Checklist B 31–35: refresh rotation, reuse detection, grace window, expiry, hashing at rest.
@Suite struct RefreshTokenTests {
    @Test(arguments: TestBackend.all)
    func registerLoginMeRefreshAndLogout(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend) { client, _ in
            let ann = try await client.signUp("Ann@Example.com")
            let me = try await client.get("/api/auth/me", headers: ann.bearer)
            #expect(me.status == 200)
            #expect((me.json["user"] as? [String: Any])?["email"] as? String == "ann@example.com")
            #expect(me.string("method") == "bearer")
            #expect(me.headers[.cacheControl] == nil || me.headers[.cacheControl] == "no-store")

            let refreshed = try await client.post("/api/auth/refresh", ["refreshToken": ann.refresh])
            #expect(refreshed.status == 200)
            let next = try #require(refreshed.string("refreshToken"))
            #expect(next != ann.refresh)
            #expect(try await client.get("/api/auth/me", headers: ["authorization": "Bearer \(try #require(refreshed.string("accessToken")))"]).status == 200)

            let logout = try await client.post("/api/auth/logout", headers: ann.bearer)
            #expect(logout.status == 204)
            // Logout ends the sign-in: the access token and the newest refresh token stop working.
            #expect(try await client.get("/api/auth/me", headers: ann.bearer).status == 401)
            let after = try await client.post("/api/auth/refresh", ["refreshToken": next])
            #expect(after.status == 401)
            #expect(after.problem == "invalid-grant")
        }
    }

    @Test(arguments: TestBackend.all)
    func aRotatedTokenIsRefusedAndRevokesItsWholeFamily(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend) { client, kernel in
            let ann = try await client.signUp("ann@example.com")
            let other = try await client.login("ann@example.com")
            let first = try await client.post("/api/auth/refresh", ["refreshToken": ann.refresh])
            let newest = try #require(first.string("refreshToken"))
            let newestAccess = try #require(first.string("accessToken"))

            let reuse = try await client.post("/api/auth/refresh", ["refreshToken": ann.refresh])
            #expect(reuse.status == 401)
            #expect(reuse.string("error") == "invalid_grant")
            // The newest token of the family dies too, and so does its access token.
            #expect(try await client.post("/api/auth/refresh", ["refreshToken": newest]).status == 401)
            #expect(try await client.get("/api/auth/me", headers: ["authorization": "Bearer \(newestAccess)"]).status == 401)
            // Another sign-in of the same user is untouched.
            #expect(try await client.post("/api/auth/refresh", ["refreshToken": other.refresh]).status == 200)
            let audit = try await kernel.audit.recent(action: "auth.refresh.reuse_detected")
            #expect(audit.count == 1)
            #expect(audit.first?.actor == ann.user)
        }
    }

    @Test(arguments: TestBackend.all)
    func withAGraceWindowOnlyTheImmediatePredecessorStillRefreshes(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend, environment: ["PLINTH_AUTH_REFRESH_REUSE_INTERVAL": "30"]) { client, _ in
            let ann = try await client.signUp("ann@example.com")
            let t1 = ann.refresh
            let t2 = try #require(try await client.post("/api/auth/refresh", ["refreshToken": t1]).string("refreshToken"))
            let t3 = try #require(try await client.post("/api/auth/refresh", ["refreshToken": t2]).string("refreshToken"))
            // t2 is t3's immediate predecessor: a racing tab may still use it.
            let raced = try await client.post("/api/auth/refresh", ["refreshToken": t2])
            #expect(raced.status == 200)
            let t4 = try #require(raced.string("refreshToken"))
            // t1 is two steps back: reuse, and the family is revoked.
            #expect(try await client.post("/api/auth/refresh", ["refreshToken": t1]).status == 401)
            #expect(try await client.post("/api/auth/refresh", ["refreshToken": t4]).status == 401)
            #expect(try await client.post("/api/auth/refresh", ["refreshToken": t3]).status == 401)
        }
    }

    @Test(arguments: TestBackend.all)
    func refreshTokensExpireWhenIdleAndAtTheFamilysAbsoluteLimit(backend: TestBackend) async throws {
        let clock = ManualClock()
        try await AuthHarness.run(backend: backend, environment: ["JWT_REFRESH_EXPIRY": "3600", "PLINTH_AUTH_REFRESH_IDLE_TIMEOUT": "1200"], clock: clock) { client, _ in
            let ann = try await client.signUp("ann@example.com")
            // Idle: unused for longer than 1200 s.
            clock.advance(by: 1201)
            #expect(try await client.post("/api/auth/refresh", ["refreshToken": ann.refresh]).status == 401)

            // Absolute: refreshed every 1000 s, the family still ends at 3600 s.
            var token = try await client.login("ann@example.com").refresh
            for _ in 0..<3 {
                clock.advance(by: 1000)
                let answer = try await client.post("/api/auth/refresh", ["refreshToken": token])
                #expect(answer.status == 200)
                token = try #require(answer.string("refreshToken"))
            }
            clock.advance(by: 601)
            #expect(try await client.post("/api/auth/refresh", ["refreshToken": token]).status == 401)
        }
    }

    @Test(arguments: TestBackend.all)
    func theDatabaseHoldsOnlyKeyedHashesOfRefreshTokens(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend) { client, kernel in
            let ann = try await client.signUp("ann@example.com")
            let rows = try await kernel.database.sql.raw("SELECT token_hash FROM auth_refresh_tokens").all()
            let hashes = try rows.map { try $0.decode(column: "token_hash", as: String.self) }
            #expect(hashes.count == 1)
            #expect(!hashes.contains(ann.refresh))
            #expect(hashes.allSatisfy { $0.count == 64 && $0.allSatisfy(\.isHexDigit) })
            // Keyed: the plain SHA-256 of the token is not what is stored either.
            #expect(!hashes.contains(APIKeys.sha256(ann.refresh)))
        }
    }
}
