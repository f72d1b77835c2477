import Foundation
@testable import PlinthAuth
import PlinthKernel
import PlinthTesting
import Testing

/// Bad settings stop startup with one line naming the setting.
@Suite struct AuthConfigurationTests {
    static func startupError(_ env: [String: String]) async throws -> String {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            try await TestKernel.run(plugins: [PluginEntry(AuthPlugin.self)], backend: .sqlite, environment: env.merging(["PLINTH_DATA_DIR": folder]) { $1 }) { _ in }
        } catch {
            return "\(error)"
        }
        return "started"
    }

    @Test func badSecretsAndCostsStopStartupNamingTheSetting() async throws {
        let cases: [([String: String], String)] = [
            (["JWT_SECRET": "short", "JWT_REFRESH_SECRET": AuthHarness.refreshSecret], "JWT_SECRET must be at least 32 characters"),
            (["JWT_SECRET": AuthHarness.jwtSecret, "JWT_REFRESH_SECRET": AuthHarness.jwtSecret], "JWT_REFRESH_SECRET must differ from JWT_SECRET"),
            (["PLINTH_ENV": "production"], "JWT_SECRET is required in production"),
            (["PLINTH_ENV": "production", "JWT_SECRET": String(repeating: "a", count: 40), "JWT_REFRESH_SECRET": AuthHarness.refreshSecret], "JWT_SECRET has fewer than 10 different characters"),
            (["PLINTH_ENV": "production", "JWT_SECRET": AuthHarness.jwtSecret, "JWT_REFRESH_SECRET": AuthHarness.refreshSecret, "BCRYPT_ROUNDS": "8"], "BCRYPT_ROUNDS must be at least 10 in production"),
            (["BCRYPT_ROUNDS": "40"], "BCRYPT_ROUNDS"),
            (["JWT_ACCESS_EXPIRY": "86400"], "JWT_ACCESS_EXPIRY must be at most 3600"),
            (["SMTP_HOST": "mail.example", "SMTP_USER": "me"], "SMTP_PASS is required when SMTP_USER is set"),
            (["PLINTH_AUTH_PASSWORD_BLOCKLIST": "/no/such/file"], "PLINTH_AUTH_PASSWORD_BLOCKLIST cannot read '/no/such/file'"),
        ]
        for (env, expected) in cases {
            let message = try await Self.startupError(env)
            #expect(message.contains(expected), "\(env): \(message)")
            #expect(!message.contains("\n"))
            for value in env.values where value.count >= 32 { #expect(!message.contains(value), "a secret was printed") }
        }
    }

    @Test(arguments: TestBackend.all)
    func withoutSecretsOutsideProductionTheyAreMadeOnceAndShared(backend: TestBackend) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let env = ["BCRYPT_ROUNDS": "4", "PLINTH_DATA_DIR": folder]
        // A token issued by one instance is accepted by another (and after a restart).
        let access: String = try await TestKernel.run(plugins: [PluginEntry(AuthPlugin.self)], backend: backend, environment: env, schema: schema) { kernel in
            try await kernel.test { client in try await AuthClient(client: client, outbox: folder + "/mail-outbox").signUp("ann@example.com").access }
        }
        try await TestKernel.run(plugins: [PluginEntry(AuthPlugin.self)], backend: backend, environment: env, schema: schema) { kernel in
            let status = try await kernel.test { client in
                try await AuthClient(client: client).get("/api/auth/me", headers: ["authorization": "Bearer \(access)"]).status
            }
            #expect(status == 200)
        }
        try await AuthHarness.dropSchema(schema, backend: backend)
    }
}
