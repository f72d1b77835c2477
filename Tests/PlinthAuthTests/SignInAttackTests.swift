import Crypto
import Foundation
@testable import PlinthAuth
import PlinthKernel
import PlinthTesting
import SQLKit
import Synchronization
import Testing

/// Attacks on sign-in that once got through: parallel guesses past the lockout, credentials that
/// outlived a password reset, a cheap decoy hash, look-alike addresses, re-spelled tokens.
@Suite struct SignInAttackTests {
    /// Cost 8 makes each check take long enough that the guesses overlap, as an attacker's do.
    static let slow = ["BCRYPT_ROUNDS": "8"]

    @Test(arguments: TestBackend.all)
    func parallelGuessesGetOnlyMaxLoginAttemptsChecks(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend, environment: Self.slow) { client, kernel in
            try await client.register("ann@example.com")
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<30 {
                    group.addTask { try await client.post("/api/auth/login", ["email": "ann@example.com", "password": "wrong password"]).status }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == 401 })
            let failures = try await kernel.audit.recent(action: "auth.login.failed")
            #expect(failures.count == 30)
            // Five guesses were checked against the password; the other 25 were refused uncounted.
            #expect(failures.filter { $0.metadata["reason"] == "wrong_password" }.count == 5)
            #expect(try await kernel.audit.recent(action: "auth.account.locked").count == 1)
            // After the burst, 40 logins with the right password are all refused: the account is locked.
            let right = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<40 {
                    group.addTask { try await client.post("/api/auth/login", ["email": "ann@example.com", "password": AuthHarness.password]).status }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(right.allSatisfy { $0 == 401 })
        }
    }

    @Test(arguments: TestBackend.all)
    func aBurstMixingRightAndWrongPasswordsChecksAtMostTheLimit(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend, environment: Self.slow.merging(["MAX_LOGIN_ATTEMPTS": "3"]) { $1 }) { client, kernel in
            try await client.register("ann@example.com")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<30 {
                    let password = i % 10 == 9 ? AuthHarness.password : "wrong password \(i)"
                    group.addTask { _ = try await client.post("/api/auth/login", ["email": "ann@example.com", "password": password]) }
                }
                try await group.waitForAll()
            }
            let checked = try await kernel.audit.recent(action: "auth.login.failed").filter { $0.metadata["reason"] == "wrong_password" }.count
            let succeeded = try await kernel.audit.recent(action: "auth.login.succeeded").count
            // Every check was charged first: with at most three in flight, a success can free
            // the count only for attempts that came after it.
            #expect(checked + succeeded <= 3 * (succeeded + 1), "checked \(checked), succeeded \(succeeded)")
        }
    }

    @Test func passwordHashingDoesNotWaitBehindBlockingFileWork() async throws {
        // NIO's shared blocking pool, where file I/O runs, full, as four storage listings left it.
        let (hash, waited) = try await whileTheSharedBlockingPoolIsFull {
            try await PasswordHasher(rounds: 4).hash("a password")
        }
        #expect(PasswordHasher.cost(of: hash) == 4)
        #expect(!waited, "the hash waited for blocking file work")
    }

    @Test func theDecoyHashUsesTheConfiguredCost() async throws {
        for rounds in [4, 11] {
            let decoy = PasswordHasher(rounds: rounds).decoy
            #expect(PasswordHasher.cost(of: decoy) == rounds)
            #expect(PasswordHasher(rounds: rounds).decoy == decoy, "made once per cost")
        }
    }

    @Test(arguments: TestBackend.all)
    func aPasswordResetEndsTheAccountsAPIKeysAndVerifiesItsAddress(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend, environment: ["PLINTH_AUTH_UNVERIFIED_ACCOUNTS": "allowed"]) { client, kernel in
            // The attacker registers the victim's address first and makes a key that never expires.
            try await client.register("victim@example.com")
            let attacker = try await client.login("victim@example.com")
            let key = try #require(try await client.post("/api/auth/api-keys", ["name": "mine", "expiresIn": 0], headers: attacker.bearer).string("key"))
            #expect(try await client.get("/api/auth/me", headers: ["x-api-key": key]).status == 200)
            // The real owner resets the password with the link sent to the address.
            #expect(try await client.post("/api/auth/password/forgot", ["email": "victim@example.com"]).status == 202)
            let token = try await MailOutbox(folder: try #require(client.outbox)).token(to: "victim@example.com", subject: "Reset your password")
            #expect(try await client.post("/api/auth/password/reset", ["token": token, "password": "the owner's new passphrase"]).status == 204)
            #expect(try await client.get("/api/auth/me", headers: ["x-api-key": key]).status == 401)
            #expect(try await client.get("/api/auth/me", headers: attacker.bearer).status == 401)
            let owner = try await client.login("victim@example.com", "the owner's new passphrase")
            #expect((try await client.get("/api/auth/me", headers: owner.bearer).json["user"] as? [String: Any])?["emailVerified"] as? Bool == true)
        }
    }

    @Test(arguments: TestBackend.all)
    func aPasswordChangeEndsTheAccountsAPIKeys(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend) { client, _ in
            let ann = try await client.signUp("ann@example.com")
            let key = try #require(try await client.post("/api/auth/api-keys", ["name": "ci"], headers: ann.bearer).string("key"))
            let changed = try await client.post("/api/auth/password/change", ["currentPassword": AuthHarness.password, "newPassword": "a brand new passphrase"], headers: ann.bearer)
            #expect(changed.status == 204)
            #expect(try await client.get("/api/auth/me", headers: ["x-api-key": key]).status == 401)
        }
    }

    @Test(arguments: TestBackend.all)
    func anUnverifiedAccountSignsInButMakesNoKeysOrTenants(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend) { client, _ in
            try await client.register("ann@example.com")
            let ann = try await client.login("ann@example.com")
            #expect(try await client.get("/api/auth/me", headers: ann.bearer).status == 200)
            let key = try await client.post("/api/auth/api-keys", ["name": "ci"], headers: ann.bearer)
            #expect(key.status == 403)
            #expect(key.problem == "email-unverified")
            let tenant = try await client.post("/api/tenants", ["name": "Acme"], headers: ann.bearer)
            #expect(tenant.status == 403)
            #expect(tenant.problem == "email-unverified")
            try await client.verify("ann@example.com")
            #expect(try await client.post("/api/auth/api-keys", ["name": "ci"], headers: ann.bearer).status == 201)
            #expect(try await client.post("/api/tenants", ["name": "Acme"], headers: ann.bearer).status == 201)
        }
    }

    @Test(arguments: TestBackend.all)
    func blockedModeRefusesSignInUntilVerified(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend, environment: ["PLINTH_AUTH_UNVERIFIED_ACCOUNTS": "blocked"]) { client, _ in
            try await client.register("ann@example.com")
            let refused = try await client.post("/api/auth/login", ["email": "ann@example.com", "password": AuthHarness.password])
            #expect(refused.status == 403)
            #expect(refused.problem == "email-unverified")
            try await client.verify("ann@example.com")
            _ = try await client.login("ann@example.com")
        }
    }

    @Test(arguments: TestBackend.all)
    func lookAlikeAddressesAreOneAccountOrRefused(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend) { client, kernel in
            try await client.register("ann@example.com")
            // Fullwidth letters are the same mailbox after NFKC: no second account.
            #expect(try await client.post("/api/auth/register", ["email": "ＡＮＮ@ｅｘａｍｐｌｅ.ｃｏｍ", "password": AuthHarness.password]).status == 202)
            _ = try await client.login("ａｎｎ@example.com")
            for (email, why) in [("a\u{200B}nn@example.com", "zero-width space"), ("\u{0430}nn@example.com", "Cyrillic а among Latin"),
                                 ("ann@ex\u{0430}mple.com", "Cyrillic а in the domain"), ("a@.", "empty domain labels"),
                                 ("ann\u{0}@example.com", "NUL"), ("ann@example..com", "empty label"), ("ann@localhost", "one label")] {
                let answer = try await client.post("/api/auth/register", ["email": email, "password": AuthHarness.password])
                #expect(answer.status == 422, "\(why)")
                #expect(answer.pointers == ["/email"], "\(why)")
            }
            // A whole address in one other script is a mailbox of its own.
            #expect(try await client.post("/api/auth/register", ["email": "анна@example.com", "password": AuthHarness.password]).status == 202)
            let count = try await kernel.database.sql.raw("SELECT COUNT(*) AS n FROM auth_users").first()?.decode(column: "n", as: Int.self)
            #expect(count == 2)
        }
    }

    @Test(arguments: TestBackend.all)
    func aLongDisplayNameIsRefused(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend) { client, _ in
            let answer = try await client.post("/api/auth/register", ["email": "ann@example.com", "password": AuthHarness.password, "name": String(repeating: "n", count: 101)])
            #expect(answer.status == 422)
            #expect(answer.pointers == ["/name"])
        }
    }

    @Test(arguments: TestBackend.all)
    func aReSpelledAccessTokenIsRefused(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend) { client, _ in
            let ann = try await client.signUp("ann@example.com")
            #expect(try await client.get("/api/auth/me", headers: ann.bearer).status == 200)
            let parts = ann.access.split(separator: ".").map(String.init)
            var signature = parts[2]
            // A trailing '=' and a last character differing only in unused bits decode to the same bytes.
            let padded = parts[0] + "." + parts[1] + "." + signature + "="
            let last = signature.removeLast()
            let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
            let index = try #require(alphabet.firstIndex(of: last))
            // 32 signature bytes are 43 characters: the last carries 2 unused bits.
            let sibling = String(alphabet[index ^ 1])
            let respelled = parts[0] + "." + parts[1] + "." + signature + sibling
            for token in [padded, respelled] {
                let answer = try await client.get("/api/auth/me", headers: ["authorization": "Bearer \(token)"])
                #expect(answer.status == 401, "\(token.suffix(4))")
            }
        }
    }
}
