import Foundation
@testable import PlinthAuth
import PlinthKernel
import PlinthTesting
import SQLKit
import Testing

/// Checklist C 36–44: password rules, bcrypt, lockout, enumeration, reset and change.
@Suite struct PasswordTests {
    @Test(arguments: TestBackend.all)
    func passwordRulesAcceptLongUnicodeAndRefuseShortOrCommon(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend) { client, _ in
            let long = String(repeating: "ü🔐", count: 40) // 80 characters, 240 bytes
            try await client.register("long@example.com", long)
            #expect(try await client.post("/api/auth/login", ["email": "long@example.com", "password": long]).status == 200)
            // The lengths and the common passwords are in the schema, so a client can check first.
            for (password, why) in [("short1", "shorter than 8"), ("password123", "common"), (String(repeating: "x", count: 257), "over the maximum")] {
                let answer = try await client.post("/api/auth/register", ["email": "x@example.com", "password": password])
                #expect(answer.status == 422, "\(why)")
                #expect(answer.problem == "validation")
                #expect(answer.pointers == ["/password"])
            }
            // Common in another case is common all the same: the policy checks that in the handler.
            let shouted = try await client.post("/api/auth/register", ["email": "x@example.com", "password": "PASSWORD123"])
            #expect(shouted.status == 422)
            #expect(shouted.problem == "weak-password")
            #expect(shouted.string("field") == "password")
        }
    }

    @Test(arguments: TestBackend.all)
    func anOperatorBlocklistIsRefusedToo(backend: TestBackend) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data("Winter2024!\nhunter2hunter2\n".utf8).write(to: URL(fileURLWithPath: folder + "/breached.txt"))
        try await AuthHarness.run(backend: backend, environment: ["PLINTH_AUTH_PASSWORD_BLOCKLIST": folder + "/breached.txt"]) { client, _ in
            let refused = try await client.post("/api/auth/register", ["email": "ann@example.com", "password": "winter2024!"])
            #expect(refused.status == 422)
            #expect(refused.problem == "weak-password")
            #expect(try await client.post("/api/auth/register", ["email": "ann@example.com", "password": "Spring2031?"]).status == 202)
        }
    }

    @Test func passwordsSharingTheFirst72BytesDoNotVerifyEachOther() async throws {
        let hasher = PasswordHasher(rounds: 4)
        let prefix = String(repeating: "a", count: 72)
        let hash = try await hasher.hash(prefix + "one")
        #expect(try await hasher.verify(prefix + "one", hash: hash))
        #expect(try await !hasher.verify(prefix + "two", hash: hash))
        #expect(try await !hasher.verify(prefix, hash: hash))
        // 64 four-byte characters are 256 bytes; they differ only in the last one.
        let emoji = String(repeating: "😀", count: 63)
        let emojiHash = try await hasher.hash(emoji + "😀")
        #expect(try await !hasher.verify(emoji + "😁", hash: emojiHash))
    }

    @Test(arguments: TestBackend.all)
    func theDefaultCostIsTenAndReadBackFromTheHash(backend: TestBackend) async throws {
        var env = AuthHarness.environment
        env["BCRYPT_ROUNDS"] = nil
        try await TestKernel.run(plugins: [PluginEntry(AuthPlugin.self)], backend: backend, environment: env.merging(["PLINTH_DATA_DIR": try temporaryFolder()]) { $1 }) { kernel in
            try await kernel.test { client in
                try await AuthClient(client: client).register("ann@example.com")
            }
            let hash = try #require(try await kernel.database.sql.raw("SELECT password_hash FROM auth_users").first()?.decode(column: "password_hash", as: String.self))
            #expect(hash.hasPrefix("$2b$10$"))
            #expect(PasswordHasher.cost(of: hash) == 10)
        }
    }

    @Test(arguments: TestBackend.all)
    func fiveFailuresLockTheAccountFor15MinutesThenItOpens(backend: TestBackend) async throws {
        let clock = ManualClock()
        try await AuthHarness.run(backend: backend, clock: clock) { client, kernel in
            try await client.register("ann@example.com")
            for _ in 0..<5 {
                #expect(try await client.post("/api/auth/login", ["email": "ann@example.com", "password": "wrong password"]).status == 401)
            }
            // Locked: even the right password is refused.
            #expect(try await client.post("/api/auth/login", ["email": "ann@example.com", "password": AuthHarness.password]).status == 401)
            clock.advance(by: 899)
            #expect(try await client.post("/api/auth/login", ["email": "ann@example.com", "password": AuthHarness.password]).status == 401)
            clock.advance(by: 2) // 15:01
            #expect(try await client.post("/api/auth/login", ["email": "ann@example.com", "password": AuthHarness.password]).status == 200)
            // The count started again: four more failures do not lock.
            for _ in 0..<4 { _ = try await client.post("/api/auth/login", ["email": "ann@example.com", "password": "wrong password"]) }
            #expect(try await client.post("/api/auth/login", ["email": "ann@example.com", "password": AuthHarness.password]).status == 200)
            #expect(try await kernel.audit.recent(action: "auth.account.locked").count == 1)
            #expect(try await kernel.audit.recent(action: "auth.login.failed").count == 11)
        }
    }

    @Test(arguments: TestBackend.all)
    func fiftyParallelWrongAttemptsStillLockTheAccount(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend) { client, kernel in
            try await client.register("ann@example.com")
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<50 {
                    group.addTask { try await client.post("/api/auth/login", ["email": "ann@example.com", "password": "wrong password"]).status }
                }
                for try await status in group { #expect(status == 401) }
            }
            #expect(try await client.post("/api/auth/login", ["email": "ann@example.com", "password": AuthHarness.password]).status == 401)
            let locked = try await kernel.database.sql.raw("SELECT locked_until FROM auth_users").first()?.decode(column: "locked_until", as: Double?.self)
            #expect(locked != nil)
        }
    }

    @Test(arguments: TestBackend.all)
    func unknownUserWrongPasswordAndLockedAccountAnswerAlike(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend, environment: ["MAX_LOGIN_ATTEMPTS": "2"]) { client, _ in
            try await client.register("ann@example.com")
            try await client.register("bob@example.com")
            func shape(_ answer: Answer) -> String {
                var json = answer.json
                json["requestId"] = nil
                return "\(answer.status) \(json.keys.sorted()) \(json["type"] ?? "") \(json["detail"] ?? "")"
            }
            let unknown = shape(try await client.post("/api/auth/login", ["email": "nobody@example.com", "password": "wrong password"]))
            let wrong = shape(try await client.post("/api/auth/login", ["email": "ann@example.com", "password": "wrong password"]))
            for _ in 0..<2 { _ = try await client.post("/api/auth/login", ["email": "bob@example.com", "password": "wrong password"]) }
            let locked = shape(try await client.post("/api/auth/login", ["email": "bob@example.com", "password": AuthHarness.password]))
            #expect(unknown == wrong)
            #expect(wrong == locked)
            // Registration and reset requests do not tell either.
            let taken = try await client.post("/api/auth/register", ["email": "ann@example.com", "password": AuthHarness.password])
            let fresh = try await client.post("/api/auth/register", ["email": "new@example.com", "password": AuthHarness.password])
            #expect(taken.status == fresh.status)
            #expect(taken.text == fresh.text)
            let resetKnown = try await client.post("/api/auth/password/forgot", ["email": "ann@example.com"])
            let resetUnknown = try await client.post("/api/auth/password/forgot", ["email": "nobody@example.com"])
            #expect(resetKnown.status == 202)
            #expect(resetKnown.text == resetUnknown.text)
        }
    }

    @Test(arguments: TestBackend.all)
    func aResetLinkWorksOnceWithin30MinutesAndANewOneRetiresTheOld(backend: TestBackend) async throws {
        let clock = ManualClock()
        try await AuthHarness.run(backend: backend, clock: clock) { client, kernel in
            let ann = try await client.signUp("ann@example.com")
            _ = try await client.post("/api/auth/password/forgot", ["email": "ann@example.com"])
            let first = try #require(try await AuthHarness.lastMail(kernel).token)
            #expect(first.count == 64) // 256 bits
            _ = try await client.post("/api/auth/password/forgot", ["email": "ann@example.com"])
            let second = try #require(try await AuthHarness.lastMail(kernel).token)
            #expect(first != second)
            // The older link no longer works.
            #expect(try await client.post("/api/auth/password/reset", ["token": first, "password": "a new passphrase"]).status == 403)
            // Stored hashed.
            let stored = try await kernel.database.sql.raw("SELECT token_hash FROM auth_one_time_tokens").all().map { try $0.decode(column: "token_hash", as: String.self) }
            #expect(!stored.contains(second))

            #expect(try await client.post("/api/auth/password/reset", ["token": second, "password": "a new passphrase"]).status == 204)
            #expect(try await client.post("/api/auth/password/reset", ["token": second, "password": "another passphrase"]).status == 403)
            // Every earlier sign-in ended; the new password works, the old one not.
            #expect(try await client.post("/api/auth/refresh", ["refreshToken": ann.refresh]).status == 401)
            #expect(try await client.get("/api/auth/me", headers: ann.bearer).status == 401)
            #expect(try await client.post("/api/auth/login", ["email": "ann@example.com", "password": AuthHarness.password]).status == 401)
            _ = try await client.login("ann@example.com", "a new passphrase")
            #expect(try await AuthHarness.lastMail(kernel).text.contains("Your password was changed"))

            // Expiry: 30 minutes.
            _ = try await client.post("/api/auth/password/forgot", ["email": "ann@example.com"])
            let late = try #require(try await AuthHarness.lastMail(kernel).token)
            clock.advance(by: 1801)
            #expect(try await client.post("/api/auth/password/reset", ["token": late, "password": "yet another one"]).status == 403)
            #expect(try await kernel.audit.recent(action: "auth.password.reset").count == 1)
        }
    }

    @Test(arguments: TestBackend.all)
    func changingThePasswordNeedsTheCurrentOneAndEndsEverySignIn(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend) { client, _ in
            let ann = try await client.signUp("ann@example.com")
            let elsewhere = try await client.login("ann@example.com")
            let wrong = try await client.post("/api/auth/password/change", ["currentPassword": "not it at all", "newPassword": "a brand new passphrase"], headers: ann.bearer)
            #expect(wrong.status == 403)
            #expect(try await client.post("/api/auth/password/change", ["currentPassword": AuthHarness.password, "newPassword": "a brand new passphrase"]).status == 401)
            let changed = try await client.post("/api/auth/password/change", ["currentPassword": AuthHarness.password, "newPassword": "a brand new passphrase"], headers: ann.bearer)
            #expect(changed.status == 204)
            #expect(try await client.post("/api/auth/refresh", ["refreshToken": elsewhere.refresh]).status == 401)
            #expect(try await client.get("/api/auth/me", headers: elsewhere.bearer).status == 401)
            _ = try await client.login("ann@example.com", "a brand new passphrase")
        }
    }

    @Test(arguments: TestBackend.all)
    func emailVerificationLinksWorkOnce(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend) { client, kernel in
            try await client.register("ann@example.com")
            let token = try #require(try await AuthHarness.lastMail(kernel).token)
            #expect(try await client.post("/api/auth/email/verify", ["token": token]).status == 204)
            #expect(try await client.post("/api/auth/email/verify", ["token": token]).status == 403)
            let ann = try await client.login("ann@example.com")
            let me = try await client.get("/api/auth/me", headers: ann.bearer)
            #expect((me.json["user"] as? [String: Any])?["emailVerified"] as? Bool == true)
            let again = try await client.post("/api/auth/email/verify/request", headers: ann.bearer)
            #expect(again.string("status") == "verified")
        }
    }
}
