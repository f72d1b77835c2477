import Foundation
import Hummingbird
@testable import PlinthAuth
import PlinthKernel
import PlinthTesting
import Testing

/// A stand-in for the OAuth and MFA plugins: an external login route and a second factor that
/// holds users whose email starts with `mfa` until they send the code 123456.
struct IdentityFixturePlugin: SaaSPlugin {
    static let manifest = PluginManifest(id: "idfixture", name: "Identity fixture", version: "1.0.0", kernelAPI: "^1.0.0",
                                         dependencies: ["auth": "^1.0.0"], basePath: "/fixture")

    struct Factor: SecondFactor {
        let users: UserStore
        func isRequired(user: String) async throws -> Bool {
            try await users.find(id: user)?.email.hasPrefix("mfa") ?? false
        }
    }

    struct External: Decodable {
        let issuer: String
        let subject: String
        let email: String?
        let emailVerified: Bool
    }

    struct Code: Decodable {
        let challengeToken: String
        let code: String
    }

    init(context: PluginContext) throws {}

    func provide(_ context: PluginContext) async throws {
        let auth = try context.require(AuthService.self)
        try auth.install(secondFactor: Factor(users: auth.users))
    }

    func mount(_ routes: PluginRoutes, context: PluginContext) throws {
        let auth = try context.require(AuthService.self)
        try routes.add(Route.post("external", id: "test.20", "test route").requires(.public).handle { input, context in
            let body = try await input.request.decode(as: External.self, context: context)
            return try await auth.signIn(external: ExternalIdentity(issuer: body.issuer, subject: body.subject, email: body.email, emailVerified: body.emailVerified),
                                         mode: .bearer, request: input.request, context: context)
        })
        try routes.add(Route.post("mfa", id: "test.21", "test route").requires(.public).handle { input, context in
            let body = try await input.request.decode(as: Code.self, context: context)
            guard try await auth.challengedUser(body.challengeToken) != nil, body.code == "123456" else { throw Problem(.unauthorized, type: "invalid-code") }
            return try await auth.completeChallenge(body.challengeToken, request: input.request, context: context)
        })
    }
}

@Suite struct ExtensionPointTests {
    @Test(arguments: TestBackend.all)
    func externalIdentitiesLinkByIssuerAndSubjectNeverByEmailAlone(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend, plugins: [PluginEntry(IdentityFixturePlugin.self)]) { client, kernel in
            try await client.register("ann@example.com")
            func external(_ issuer: String, _ subject: String, _ email: String?, verified: Bool) async throws -> Answer {
                var json: [String: any Sendable] = ["issuer": issuer, "subject": subject, "emailVerified": verified]
                if let email { json["email"] = email }
                return try await client.post("/fixture/external", json)
            }
            // Unverified email of an existing account: refused, not linked.
            #expect(try await external("https://idp.example", "sub-1", "ann@example.com", verified: false).status == 409)
            // Verified: linked to Ann's account.
            let linked = try await external("https://idp.example", "sub-1", "ann@example.com", verified: true)
            #expect(linked.status == 200)
            let annID = (linked.json["user"] as? [String: Any])?["id"] as? String
            // Later the provider's email changes: the same (issuer, subject) is still Ann.
            let renamed = try await external("https://idp.example", "sub-1", "someone-else@example.com", verified: true)
            #expect((renamed.json["user"] as? [String: Any])?["id"] as? String == annID)
            // Another issuer with the same subject is another person.
            let other = try await external("https://other.example", "sub-1", "zed@example.com", verified: true)
            #expect((other.json["user"] as? [String: Any])?["id"] as? String != annID)
            #expect(try await kernel.audit.recent(action: "auth.identity.linked").count == 2)
        }
    }

    @Test(arguments: TestBackend.all)
    func aSecondFactorIsAskedForBeforeAnyTokenIsIssued(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend, plugins: [PluginEntry(IdentityFixturePlugin.self)]) { client, kernel in
            try await client.register("mfa-ann@example.com")
            let first = try await client.post("/api/auth/login", ["email": "mfa-ann@example.com", "password": AuthHarness.password])
            #expect(first.status == 200)
            #expect(first.json["mfaRequired"] as? Bool == true)
            #expect(first.json["accessToken"] == nil && first.json["refreshToken"] == nil)
            let challenge = try #require(first.string("challengeToken"))
            #expect(try await client.post("/fixture/mfa", ["challengeToken": challenge, "code": "000000"]).status == 401)
            let done = try await client.post("/fixture/mfa", ["challengeToken": challenge, "code": "123456"])
            #expect(done.status == 200)
            let access = try #require(done.string("accessToken"))
            #expect(try await client.get("/api/auth/me", headers: ["authorization": "Bearer \(access)"]).status == 200)
            // The challenge is single-use.
            #expect(try await client.post("/fixture/mfa", ["challengeToken": challenge, "code": "123456"]).status == 401)
            // A password reset does not skip the second factor.
            _ = try await client.post("/api/auth/password/forgot", ["email": "mfa-ann@example.com"])
            let token = try #require(try await AuthHarness.lastMail(kernel).token)
            #expect(try await client.post("/api/auth/password/reset", ["token": token, "password": "a new passphrase"]).status == 204)
            let afterReset = try await client.post("/api/auth/login", ["email": "mfa-ann@example.com", "password": "a new passphrase"])
            #expect(afterReset.json["mfaRequired"] as? Bool == true)
            #expect(afterReset.json["accessToken"] == nil)
            // Users the factor does not cover get tokens at once.
            try await client.register("plain@example.com")
            #expect(try await client.post("/api/auth/login", ["email": "plain@example.com", "password": AuthHarness.password]).string("accessToken") != nil)
        }
    }
}
