import Foundation
@testable import PlinthAuth
import PlinthKernel
import PlinthTesting
import Testing

/// Every security event leaves an audit row; no secret ever reaches a log line.
@Suite struct AuditAndLogTests {
    @Test(arguments: TestBackend.all)
    func securityEventsAreAuditedAndNoSecretIsLogged(backend: TestBackend) async throws {
        let logs = LogCapture(format: "json")
        let secrets = SecretBox()
        try await AuthHarness.run(backend: backend, environment: ["MAX_LOGIN_ATTEMPTS": "2", "LOG_LEVEL": "trace"], logs: logs) { client, kernel in
            let ann = try await client.signUp("ann@example.com")
            secrets.add(AuthHarness.password, ann.access, ann.refresh)
            _ = try await client.post("/api/auth/login", ["email": "ann@example.com", "password": "wrong-password-1"])
            _ = try await client.post("/api/auth/login", ["email": "ann@example.com", "password": "wrong-password-2"])
            secrets.add("wrong-password-1", "wrong-password-2")
            let rotated = try await client.post("/api/auth/refresh", ["refreshToken": ann.refresh])
            secrets.add(rotated.string("refreshToken") ?? "", rotated.string("accessToken") ?? "")
            _ = try await client.post("/api/auth/refresh", ["refreshToken": ann.refresh])
            let bob = try await client.signUp("bob@example.com")
            secrets.add(bob.access, bob.refresh)
            let key = try await client.post("/api/auth/api-keys", ["name": "ci"], headers: bob.bearer)
            secrets.add(key.string("key") ?? "")
            _ = try await client.get("/api/auth/me", headers: ["x-api-key": key.string("key") ?? ""])
            _ = try await client.call(.delete, "/api/auth/api-keys/\(key.string("id") ?? "")", headers: bob.bearer)
            _ = try await client.post("/api/auth/password/forgot", ["email": "bob@example.com"])
            let reset = try #require(try await AuthHarness.lastMail(kernel).token)
            secrets.add(reset, "the new passphrase")
            _ = try await client.post("/api/auth/password/reset", ["token": reset, "password": "the new passphrase"])
            // The reuse above ended Ann's sign-in, and the failures locked her out: Bob owns the tenant.
            let bobAgain = try await client.login("bob@example.com", "the new passphrase")
            secrets.add(bobAgain.access, bobAgain.refresh)
            let acme = try await client.tenant("Acme", owner: bobAgain)
            let cat = try await client.signUp("cat@example.com")
            secrets.add(cat.access, cat.refresh)
            try await client.addMember(cat, "cat@example.com", role: "member", to: acme, by: bobAgain)
            _ = try await client.call(.patch, "/api/tenants/\(acme)/members/\(cat.user)", json: ["role": "admin"], headers: bobAgain.bearer)

            for action in ["auth.login.succeeded", "auth.login.failed", "auth.account.locked", "auth.password.reset", "auth.password.reset_requested",
                           "auth.api_key.created", "auth.api_key.revoked", "auth.refresh.reuse_detected", "auth.role.changed", "auth.role.granted"] {
                let rows = try await kernel.audit.recent(action: action)
                #expect(!rows.isEmpty, "no audit row for \(action)")
                #expect(rows.allSatisfy { $0.plugin == "auth" && $0.time?.hasSuffix("Z") == true })
            }
        }
        let text = logs.all.joined(separator: "\n")
        #expect(text.contains("auth.login") || text.contains("/api/auth/login"), "the capture saw the requests")
        for secret in secrets.all where !secret.isEmpty {
            #expect(!text.contains(secret), "a secret reached the logs: \(secret.prefix(6))…")
        }
    }
}

/// Secrets seen during a test, collected from the request handlers' task.
final class SecretBox: Sendable {
    private let values = Mutex<[String]>([])
    func add(_ secrets: String...) { values.withLock { $0 += secrets } }
    var all: [String] { values.withLock { $0 } }
}

import Synchronization
