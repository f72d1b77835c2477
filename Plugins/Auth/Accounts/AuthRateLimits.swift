import Crypto
import Foundation
import HTTPTypes
import PlinthKernel
import SQLKit

/// Limits on the routes anyone may call without signing in (login, register, password/forgot),
/// per client address and per email address, counted in the database so that they hold across
/// instances. Over a limit the answer is 429 with `Retry-After`, before any password is hashed
/// or mail written; a per-address limit counts an address whether or not an account has it, so
/// its answer tells nothing about accounts.
struct AuthRateLimits: Sendable {
    let database: Database
    let clock: any KernelClock
    let rules: Rules

    /// One limit: `limit` hits per `window` seconds for one subject.
    struct Rule: Sendable {
        let name: String
        let limit: Int
        let window: Double
        /// The setting that sets `limit`, named in the 429.
        let setting: String
    }

    /// The limits, each from its setting (requests per window, 0 turns one off).
    struct Rules: Sendable {
        /// `PLINTH_AUTH_LOGIN_LIMIT`: logins per client address per minute. Default 30.
        var loginPerAddress = Rule(name: "login.address", limit: 30, window: 60, setting: "PLINTH_AUTH_LOGIN_LIMIT")
        /// `PLINTH_AUTH_REGISTER_LIMIT`: registrations per client address per hour. Default 20.
        var registerPerAddress = Rule(name: "register.address", limit: 20, window: 3600, setting: "PLINTH_AUTH_REGISTER_LIMIT")
        /// `PLINTH_AUTH_FORGOT_LIMIT`: reset requests per client address per hour. Default 20.
        var forgotPerAddress = Rule(name: "forgot.address", limit: 20, window: 3600, setting: "PLINTH_AUTH_FORGOT_LIMIT")
        /// `PLINTH_AUTH_FORGOT_EMAIL_LIMIT`: reset mails per email address per hour. Default 3.
        var forgotPerEmail = Rule(name: "forgot.email", limit: 3, window: 3600, setting: "PLINTH_AUTH_FORGOT_EMAIL_LIMIT")

        static func load(_ config: PluginConfig) throws -> Rules {
            var rules = Rules()
            for path in [\Rules.loginPerAddress, \.registerPerAddress, \.forgotPerAddress, \.forgotPerEmail] {
                let rule = rules[keyPath: path]
                let key = String(rule.setting.dropFirst(config.prefix.count))
                rules[keyPath: path] = Rule(name: rule.name, limit: try config.int(key, default: rule.limit, range: 0...1_000_000), window: rule.window, setting: rule.setting)
            }
            return rules
        }
    }

    static let migration = Migration(
        "002_rate_limits",
        up: ["CREATE TABLE auth_rate_limits (bucket TEXT NOT NULL, window_start BIGINT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (bucket, window_start))"],
        down: ["DROP TABLE auth_rate_limits"]
    )

    /// Counts one hit of `rule` for `subject` (an address; hashed, never stored as given).
    /// Without a subject (an in-process request has no client address) nothing is counted.
    /// - Throws: 429 ``Problem`` once the window's hits exceed the limit.
    func hit(_ rule: Rule, _ subject: String?) async throws {
        guard let subject, rule.limit > 0 else { return }
        let now = clock.now.timeIntervalSince1970
        let window = Int64(now / rule.window)
        let bucket = rule.name + ":" + SHA256.hash(data: Data(subject.utf8)).prefix(16).hexString
        let count = try await database.sql.raw("""
            INSERT INTO auth_rate_limits (bucket, window_start, count) VALUES (\(bind: bucket), \(bind: window), 1)
            ON CONFLICT (bucket, window_start) DO UPDATE SET count = auth_rate_limits.count + 1 RETURNING count
            """).first()?.decode(column: "count", as: Int.self) ?? 1
        if count == 1 {
            // First hit of a window: earlier windows of this bucket are over.
            try await database.sql.raw("DELETE FROM auth_rate_limits WHERE bucket = \(bind: bucket) AND window_start < \(bind: window)").run()
        }
        guard count > rule.limit else { return }
        let retry = Int((Double(window + 1) * rule.window - now).rounded(.up))
        throw Problem(.tooManyRequests, type: "rate-limited",
                      detail: "too many requests of this kind; try again in \(retry) s (\(rule.setting) allows \(rule.limit) per \(Int(rule.window)) s)",
                      headers: [.retryAfter: String(retry)])
    }
}
