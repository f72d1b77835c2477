import Foundation

/// What a production start checks in the kernel's settings, as Django's `check --deploy` does:
/// a setting that would leave the deployment open stops start-up; one that is only risky is
/// logged as a warning at every start. Outside production nothing is checked.
public struct DeploymentCheck: Sendable, Equatable {
    public enum Severity: Sendable, Equatable { case error, warning }
    public let setting: String
    public let message: String
    public let severity: Severity

    /// The findings for `configuration`; empty outside production.
    public static func findings(_ c: KernelConfiguration) -> [DeploymentCheck] {
        guard c.isProduction else { return [] }
        var found: [DeploymentCheck] = []
        let base = URL(string: c.apiBaseURL)
        let local = ["localhost", "127.0.0.1", "::1"].contains(base?.host ?? "")
        if !c.secureCookies {
            found.append(.init(setting: "API_BASE_URL", message: "is '\(c.apiBaseURL)': without https:// session and refresh cookies are sent without Secure, readable on the wire; set the public https URL", severity: local ? .warning : .error))
        }
        if c.corsOrigins.contains("*") {
            found.append(.init(setting: "PLINTH_CORS_ORIGINS", message: "is '*': any web page may call the API from a visitor's browser and read the answers; list the front ends' origins", severity: .error))
        }
        if c.sessionIdleTimeout == 0 {
            found.append(.init(setting: "SESSION_IDLE_TIMEOUT", message: "is 0: a browser session left open never ends before SESSION_EXPIRY (ASVS advises 30 minutes or less)", severity: .warning))
        }
        if c.maxBodySize > 1 << 30 {
            found.append(.init(setting: "PLINTH_MAX_BODY_SIZE", message: "is \(c.maxBodySize) bytes: every JSON route may be sent that much; keep it small (default 10 MiB) and raise only upload routes' own limits", severity: .warning))
        }
        if c.secretKey == nil {
            found.append(.init(setting: "PLINTH_SECRET_KEY", message: "is not set: secrets at rest (signing keys, provider tokens) need a key kept outside the data folder; generate one with `openssl rand -base64 32`", severity: .error))
        }
        if c.metricsToken == nil {
            found.append(.init(setting: "PLINTH_METRICS_TOKEN", message: "is not set: /metrics is public, and tells route names, traffic and pool sizes to anyone; set a token for the scraper", severity: .warning))
        }
        return found
    }

    /// Whether `secret` looks made by a person or a placeholder rather than generated: fewer
    /// than 10 distinct characters (`aaaa…`, `changemechangeme…`).
    public static func looksWeak(_ secret: String) -> Bool {
        Set(secret).count < 10
    }
}
