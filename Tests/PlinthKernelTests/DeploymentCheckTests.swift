import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PlinthKernel
import PlinthTesting
import Testing

/// A production start refuses settings that leave the deployment open and warns on risky ones;
/// every response carries the security headers; `/metrics` can require a token.
@Suite struct DeploymentCheckTests {
    static let production = ["PLINTH_ENV": "production", "API_BASE_URL": "https://api.example.com", "PLINTH_CORS_ORIGINS": "https://app.example.com", "PLINTH_METRICS_TOKEN": "scrape-token-0123456789", "PLINTH_SECRET_KEY": TestKernel.secretKey]

    @Test(arguments: [
        (["API_BASE_URL": "http://api.example.com"], "API_BASE_URL is 'http://api.example.com': without https://"),
        (["PLINTH_CORS_ORIGINS": "*"], "PLINTH_CORS_ORIGINS is '*'"),
    ])
    func productionRefusesOpenSettings(change: [String: String], expected: String) {
        do {
            _ = try KernelConfiguration.load(from: .values(Self.production.merging(change) { $1 }))
            Issue.record("\(change) should be refused in production")
        } catch {
            #expect("\(error)".contains(expected), "\(error)")
            #expect("\(error)".contains("PLINTH_ENV=production"))
        }
        // The same settings are fine outside production.
        #expect(throws: Never.self) { try KernelConfiguration.load(from: .values(Self.production.merging(change) { $1 }.merging(["PLINTH_ENV": "development"]) { $1 })) }
    }

    @Test func productionWarnsOnRiskySettings() throws {
        var env = Self.production
        env["SESSION_IDLE_TIMEOUT"] = "0"
        env["PLINTH_MAX_BODY_SIZE"] = "10gb"
        env["PLINTH_METRICS_TOKEN"] = nil
        let findings = DeploymentCheck.findings(try KernelConfiguration.load(from: .values(env)))
        #expect(Set(findings.map(\.setting)) == ["SESSION_IDLE_TIMEOUT", "PLINTH_MAX_BODY_SIZE", "PLINTH_METRICS_TOKEN"])
        #expect(findings.allSatisfy { $0.severity == .warning })
        #expect(DeploymentCheck.findings(try KernelConfiguration.load(from: .values(Self.production))).isEmpty)
    }

    @Test func responsesCarrySecurityHeadersAndHSTSOnHTTPS() async throws {
        for (base, hsts) in [("https://api.example.com", true), ("http://localhost:3013", false)] {
            try await TestKernel.run(plugins: [], backend: .sqlite, environment: ["API_BASE_URL": base]) { kernel in
                try await kernel.test { client in
                    for uri in ["/health", "/nowhere"] {
                        try await client.execute(uri: uri, method: .get) { response in
                            #expect(response.headers[HTTPField.Name("x-content-type-options")!] == "nosniff")
                            #expect(response.headers[HTTPField.Name("x-frame-options")!] == "DENY")
                            #expect(response.headers[HTTPField.Name("referrer-policy")!] == "no-referrer")
                            #expect((response.headers[HTTPField.Name("strict-transport-security")!] != nil) == hsts, "\(base) \(uri)")
                        }
                    }
                }
            }
        }
    }

    @Test func metricsNeedTheTokenWhenOneIsSet() async throws {
        try await TestKernel.run(plugins: [], backend: .sqlite, environment: ["PLINTH_METRICS_TOKEN": "scrape-token-0123456789"]) { kernel in
            try await kernel.test { client in
                try await client.execute(uri: "/metrics", method: .get) { #expect($0.status == .unauthorized) }
                try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer wrong"]) { #expect($0.status == .unauthorized) }
                try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer scrape-token-0123456789"]) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains("plinth_http_requests_total"))
                }
            }
        }
    }
}
