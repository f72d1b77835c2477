import Foundation
@testable import PlinthAuth
import PlinthKernel
import PlinthTesting
import Testing

/// Checklist D 45–52: cookie sign-in, fixation, cookie attributes, CSRF, timeouts, revocation.
@Suite struct SessionCookieTests {
    /// Settings for a deployment behind https, where cookies get `__Host-` and `Secure`.
    static let https = ["API_BASE_URL": "https://api.example.test"]

    static func cookieLogin(_ client: AuthClient, session: String? = nil) async throws -> (answer: Answer, session: String, csrf: String, refresh: String) {
        var headers: [String: String] = [:]
        if let session { headers["cookie"] = "__Host-plinth_session=\(session)" }
        let answer = try await client.post("/api/auth/login", ["email": "ann@example.com", "password": AuthHarness.password, "mode": "cookie"], headers: headers)
        #expect(answer.status == 200, "\(answer.text)")
        return (answer, try #require(answer.cookie("__Host-plinth_session")), try #require(answer.string("csrfToken")), try #require(answer.cookie("refreshToken")))
    }

    @Test(arguments: TestBackend.all)
    func cookieLoginSetsHardenedCookiesAndNoRefreshTokenInTheBody(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend, environment: Self.https) { client, _ in
            try await client.register("ann@example.com")
            let (answer, _, _, _) = try await Self.cookieLogin(client)
            #expect(answer.json["refreshToken"] == nil)
            let session = try #require(answer.cookies.first { $0.hasPrefix("__Host-plinth_session=") })
            for attribute in ["Path=/", "Secure", "HttpOnly", "SameSite=Lax"] { #expect(session.contains(attribute), "\(attribute)") }
            #expect(!session.lowercased().contains("domain="))
            let refresh = try #require(answer.cookies.first { $0.hasPrefix("refreshToken=") })
            for attribute in ["Path=/api/auth", "Secure", "HttpOnly", "SameSite=Strict", "Max-Age=2592000"] { #expect(refresh.contains(attribute), "\(attribute)") }
        }
    }

    @Test(arguments: TestBackend.all)
    func loginReplacesASessionIdSetBeforeIt(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend, environment: Self.https) { client, kernel in
            try await client.register("ann@example.com")
            // An attacker plants a session id in the victim's browser before login.
            let planted = try await kernel.sessions.create(data: ["theme": "dark"])
            let (_, session, _, _) = try await Self.cookieLogin(client, session: planted)
            #expect(session != planted)
            #expect(try await kernel.sessions.load(planted) == nil)
            #expect(try await client.get("/api/auth/me", headers: ["cookie": "__Host-plinth_session=\(planted)"]).status == 401)
            #expect(try await client.get("/api/auth/me", headers: ["cookie": "__Host-plinth_session=\(session)"]).status == 200)
        }
    }

    @Test(arguments: TestBackend.all)
    func stateChangingCookieRequestsNeedTheCSRFToken(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend, environment: Self.https) { client, _ in
            try await client.register("ann@example.com")
            try await client.verify("ann@example.com")
            let (_, session, csrf, _) = try await Self.cookieLogin(client)
            let cookie = "__Host-plinth_session=\(session)"
            let without = try await client.post("/api/tenants", ["name": "Acme"], headers: ["cookie": cookie])
            #expect(without.status == 403)
            #expect(without.problem == "csrf")
            let wrong = try await client.post("/api/tenants", ["name": "Acme"], headers: ["cookie": cookie, "x-csrf-token": "nope"])
            #expect(wrong.status == 403)
            #expect(try await client.post("/api/tenants", ["name": "Acme"], headers: ["cookie": cookie, "x-csrf-token": csrf]).status == 201)
            // Reads need no token; logout is not reachable by GET.
            #expect(try await client.get("/api/auth/me", headers: ["cookie": cookie]).status == 200)
            #expect(try await client.get("/api/auth/logout", headers: ["cookie": cookie]).status >= 400)
            #expect(try await client.get("/api/auth/me", headers: ["cookie": cookie]).status == 200)
        }
    }

    @Test(arguments: TestBackend.all)
    func afterLogoutTheOldCookieGets401(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend, environment: Self.https) { client, _ in
            try await client.register("ann@example.com")
            let (_, session, csrf, refresh) = try await Self.cookieLogin(client)
            let cookie = "__Host-plinth_session=\(session); refreshToken=\(refresh)"
            let logout = try await client.post("/api/auth/logout", headers: ["cookie": cookie, "x-csrf-token": csrf])
            #expect(logout.status == 204)
            #expect(logout.cookies.contains { $0.hasPrefix("refreshToken=;") && $0.contains("Max-Age=0") })
            #expect(try await client.get("/api/auth/me", headers: ["cookie": cookie]).status == 401)
            #expect(try await client.post("/api/auth/refresh", headers: ["cookie": cookie, "x-requested-with": "fetch"]).status == 401)
        }
    }

    @Test(arguments: TestBackend.all)
    func theRefreshCookieRotatesAndNeedsACustomHeader(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend, environment: Self.https) { client, _ in
            try await client.register("ann@example.com")
            let (_, _, _, refresh) = try await Self.cookieLogin(client)
            #expect(try await client.post("/api/auth/refresh", headers: ["cookie": "refreshToken=\(refresh)"]).status == 403)
            let answer = try await client.post("/api/auth/refresh", headers: ["cookie": "refreshToken=\(refresh)", "x-requested-with": "fetch"])
            #expect(answer.status == 200)
            #expect(answer.json["refreshToken"] == nil)
            let next = try #require(answer.cookie("refreshToken"))
            #expect(next != refresh)
        }
    }

    @Test(arguments: TestBackend.all)
    func idleAndAbsoluteTimeoutsEndTheBrowserSession(backend: TestBackend) async throws {
        let clock = ManualClock()
        try await AuthHarness.run(backend: backend, environment: Self.https.merging(["SESSION_IDLE_TIMEOUT": "1800", "SESSION_EXPIRY": "7200"]) { $1 }, clock: clock) { client, _ in
            try await client.register("ann@example.com")
            let (_, idle, _, _) = try await Self.cookieLogin(client)
            clock.advance(by: 1801)
            #expect(try await client.get("/api/auth/me", headers: ["cookie": "__Host-plinth_session=\(idle)"]).status == 401)

            let (_, busy, _, _) = try await Self.cookieLogin(client)
            for _ in 0..<4 {
                clock.advance(by: 1500)
                #expect(try await client.get("/api/auth/me", headers: ["cookie": "__Host-plinth_session=\(busy)"]).status == 200)
            }
            clock.advance(by: 1500) // 7500 s after login: past the absolute limit though never idle
            #expect(try await client.get("/api/auth/me", headers: ["cookie": "__Host-plinth_session=\(busy)"]).status == 401)
        }
    }

    @Test(arguments: TestBackend.all)
    func usersListTheirSessionsAndRevokeOne(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend, environment: Self.https) { client, _ in
            let ann = try await client.signUp("ann@example.com")
            let (_, session, _, _) = try await Self.cookieLogin(client)
            let list = try await client.get("/api/auth/sessions", headers: ann.bearer)
            let items = try #require(list.json["items"] as? [[String: Any]])
            #expect(items.count == 2)
            #expect(items.filter { $0["current"] as? Bool == true }.count == 1)
            let browser = try #require(items.first { $0["mode"] as? String == "cookie" }?["id"] as? String)
            // Ending a session takes the password again.
            let without = try await client.call(.delete, "/api/auth/sessions/\(browser)", headers: ann.bearer)
            #expect(without.status == 403)
            #expect(without.problem == "reauthentication-required")
            #expect(try await client.call(.delete, "/api/auth/sessions/\(browser)", json: ["password": "not it at all"], headers: ann.bearer).status == 403)
            #expect(try await client.call(.delete, "/api/auth/sessions/\(browser)", json: ["password": AuthHarness.password], headers: ann.bearer).status == 204)
            #expect(try await client.get("/api/auth/me", headers: ["cookie": "__Host-plinth_session=\(session)"]).status == 401)
            #expect(try await client.call(.delete, "/api/auth/sessions/\(browser)", json: ["password": AuthHarness.password], headers: ann.bearer).status == 404)
            // Someone else's session id is not found either.
            let bob = try await client.signUp("bob@example.com")
            let own = try #require((try await client.get("/api/auth/sessions", headers: ann.bearer).json["items"] as? [[String: Any]])?.first?["id"] as? String)
            #expect(try await client.call(.delete, "/api/auth/sessions/\(own)", json: ["password": AuthHarness.password], headers: bob.bearer).status == 404)
        }
    }

    @Test(arguments: TestBackend.all)
    func disablingAnAccountEndsItsSessionsAndKeys(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend, environment: Self.https) { client, kernel in
            let ann = try await client.signUp("ann@example.com")
            let (_, session, _, _) = try await Self.cookieLogin(client)
            let key = try #require(try await client.post("/api/auth/api-keys", ["name": "ci"], headers: ann.bearer).string("key"))
            #expect(try await client.get("/api/auth/me", headers: ["x-api-key": key]).status == 200)
            let auth = try #require(kernel.services.resolve(AuthService.self))
            try await auth.disable(user: ann.user)
            #expect(try await client.get("/api/auth/me", headers: ann.bearer).status == 401)
            #expect(try await client.get("/api/auth/me", headers: ["cookie": "__Host-plinth_session=\(session)"]).status == 401)
            #expect(try await client.get("/api/auth/me", headers: ["x-api-key": key]).status == 401)
            #expect(try await client.post("/api/auth/login", ["email": "ann@example.com", "password": AuthHarness.password]).status == 401)
        }
    }
}
