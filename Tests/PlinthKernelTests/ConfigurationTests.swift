import Foundation
import PlinthKernel
import Testing

@Suite struct ConfigurationTests {
    @Test func defaultsFollowTheSeeds() throws {
        let c = try KernelConfiguration.load(from: .values([:]))
        #expect(c.port == 3013 && c.host == "127.0.0.1" && c.dataDirectory == "./data")
        #expect(c.sessionExpiry == 86_400 && c.maxBodySize == 10 << 20 && c.serviceName == "api")
        #expect(c.corsOrigins == ["http://localhost:5173"] && c.logFormat == "text" && c.logLevel == .info)
        #expect(c.otlpEndpoint == nil && c.migrateOnServe)
        #expect(try KernelConfiguration.load(from: .values(["PLINTH_ENV": "production", "PLINTH_SECRET_KEY": Data(count: 32).base64EncodedString()])).logFormat == "json")
    }

    @Test(arguments: [
        ("PORT", "abc", "PORT must be a whole number between 0 and 65535, not 'abc'"),
        ("PORT", "70000", "PORT must be a whole number between 0 and 65535, not '70000'"),
        ("SESSION_EXPIRY", "soon", "SESSION_EXPIRY must be a duration"),
        ("LOG_LEVEL", "loud", "LOG_LEVEL must be one of"),
        ("PLINTH_LOG_FORMAT", "xml", "PLINTH_LOG_FORMAT must be one of text, json"),
        ("PLINTH_MIGRATE_ON_SERVE", "perhaps", "PLINTH_MIGRATE_ON_SERVE must be true or false"),
        ("PLINTH_MAX_BODY_SIZE", "-5", "PLINTH_MAX_BODY_SIZE must be a positive size"),
        ("API_BASE_URL", "ftp://x", "API_BASE_URL must start with http:// or https://"),
        ("DATABASE_URL", "nonsense", "DATABASE_URL is not a PostgreSQL URL"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "not a url", "OTEL_EXPORTER_OTLP_ENDPOINT must be a URL"),
    ])
    func invalidValueNamesTheKeyAndReason(key: String, value: String, expected: String) {
        do {
            _ = try KernelConfiguration.load(from: .values([key: value]))
            Issue.record("\(key)=\(value) should be refused")
        } catch {
            #expect("\(error)".hasPrefix("configuration error: " + expected), "\(error)")
        }
    }

    @Test func unitsAreAccepted() throws {
        let c = try KernelConfiguration.load(from: .values(["SESSION_EXPIRY": "2h", "PLINTH_MAX_BODY_SIZE": "512kb", "PLINTH_SHUTDOWN_TIMEOUT": "1500ms", "LOG_LEVEL": "warn"]))
        #expect(c.sessionExpiry == 7200 && c.maxBodySize == 512 * 1024 && c.shutdownTimeout == 1.5 && c.logLevel == .warning)
    }

    @Test func secretsAreRedacted() throws {
        let c = try KernelConfiguration.load(from: .values(["DATABASE_URL": "postgres://app:hunter2@db:5432/x", "POSTGRES_PASSWORD": "hunter2"]))
        let printed = c.entries.map { "\($0.key)=\($0.value)" }.joined(separator: "\n")
        #expect(!printed.contains("hunter2"))
        #expect(printed.contains("DATABASE_URL=<redacted>"))
    }

    @Test func dotEnvFileIsReadAndEnvironmentWins() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("plinth-\(UUID().uuidString).env").path
        try "PORT=4100\nPLINTH_HOST=0.0.0.0\n# comment\nOTEL_SERVICE_NAME=from-file\n".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let source = try await ConfigSource.load(environment: ["PORT": "4200"], dotEnvPath: file)
        let c = try KernelConfiguration.load(from: source)
        #expect(c.port == 4200 && c.host == "0.0.0.0" && c.serviceName == "from-file")
    }

    @Test func pluginSectionsArePrefixed() throws {
        let config = PluginConfig(pluginID: "auth.providers.google", environment: .values(["PLINTH_AUTH_PROVIDERS_GOOGLE_SCOPE": "email", "JWT_SECRET": "s"]))
        #expect(config.string("scope") == "email")
        #expect(config.environment.string("JWT_SECRET") == "s")
        #expect(throws: ConfigurationError.self) { try PluginConfig(pluginID: "x", environment: .values(["PLINTH_X_N": "q"])).int("N", default: 1) }
    }
}
