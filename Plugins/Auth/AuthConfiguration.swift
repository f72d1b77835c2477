import Foundation
import PlinthKernel

/// The auth plugin's settings. The shared names come from the seeds (`JWT_SECRET`,
/// `BCRYPT_ROUNDS`, `MAX_LOGIN_ATTEMPTS`, ...); Plinth's own knobs are `PLINTH_AUTH_*`.
public struct AuthConfiguration: Sendable {
    /// `JWT_SECRET`: signs access tokens (HS256); 32+ characters. Unset outside production, a
    /// random secret is made once and kept in the database; unset in production, startup stops.
    public var jwtSecret: String?
    /// `JWT_REFRESH_SECRET`: keys the hashes of refresh, reset and verification tokens at rest;
    /// 32+ characters and different from `JWT_SECRET`. Same rule when unset.
    public var refreshSecret: String?
    /// `JWT_ACCESS_EXPIRY` in seconds. Default 900; at most 3600.
    public var accessExpiry = 900.0
    /// `JWT_REFRESH_EXPIRY` in seconds: the absolute life of a sign-in, which rotation does not
    /// extend. Default 604800 (7 days).
    public var refreshExpiry = 604_800.0
    /// `PLINTH_AUTH_REFRESH_IDLE_TIMEOUT` in seconds: a refresh token unused this long expires.
    /// Default: `JWT_REFRESH_EXPIRY`.
    public var refreshIdleTimeout = 604_800.0
    /// `PLINTH_AUTH_REFRESH_REUSE_INTERVAL` in seconds: for this long after a rotation the
    /// immediate predecessor still refreshes (two tabs refreshing at once); anything older is
    /// reuse and revokes the family. Default 0.
    public var refreshReuseInterval = 0.0
    /// `PLINTH_AUTH_JWT_ISSUER`, `PLINTH_AUTH_JWT_AUDIENCE`: pinned `iss` and `aud`. Default
    /// `API_BASE_URL` and `plinth`.
    public var issuer: String
    public var audience = "plinth"
    /// `BCRYPT_ROUNDS`: 4–31. Default 10, 12 in production, where less than 10 stops startup.
    public var bcryptRounds: Int
    /// `MAX_LOGIN_ATTEMPTS`: failures before the account locks. Default 5.
    public var maxLoginAttempts = 5
    /// `LOCKOUT_DURATION` in seconds. Default 900.
    public var lockoutDuration = 900.0
    /// `PASSWORD_RESET_EXPIRY` in seconds, also for email verification links. Default 1800.
    public var resetExpiry = 1_800.0
    /// `PASSWORD_RESET_TOKEN_LENGTH`: hex characters of reset and verification tokens, 32–128.
    /// Default 64 (256 bits).
    public var resetTokenLength = 64
    /// `API_KEY_EXPIRY` in seconds; 0 = keys never expire. Default 2592000 (30 days).
    public var apiKeyExpiry = 2_592_000.0
    /// `API_KEY_RATE_LIMIT`: requests per key per hour, counted in memory and flushed to the
    /// database every second (see the README on overshoot across instances). Default 1000.
    public var apiKeyRateLimit = 1_000
    /// `PLINTH_AUTH_REFRESH_COOKIE_MAX_AGE` in seconds: life of the `refreshToken` cookie.
    /// Default 2592000 (30 days).
    public var refreshCookieMaxAge = 2_592_000.0
    /// `PLINTH_AUTH_PASSWORD_MIN_LENGTH` (default 8) and `PLINTH_AUTH_PASSWORD_MAX_LENGTH`
    /// (default 256, at least 64) in characters.
    public var passwordMinLength = 8
    public var passwordMaxLength = 256
    /// `PLINTH_AUTH_PASSWORD_BLOCKLIST`: a file of passwords to refuse, one per line (e.g. a
    /// breached-password list), on top of the built-in list of the most common ones. Default none.
    public var passwordBlocklist: Set<String> = []
    /// What an account may do before its email address is verified.
    public enum UnverifiedAccess: String, Sendable, CaseIterable {
        /// Everything a verified account may.
        case allowed
        /// Sign in, but make no API keys and create no tenants: credentials that could outlive
        /// the address's real owner taking the account over (an account pre-hijack).
        case restricted
        /// Not even sign in.
        case blocked
    }
    /// `PLINTH_AUTH_UNVERIFIED_ACCOUNTS`: `allowed`, `restricted` (default) or `blocked`.
    public var unverifiedAccounts = UnverifiedAccess.restricted
    /// `PLINTH_AUTH_INVITATION_EXPIRY` in seconds: how long an invitation to a tenant stays open.
    /// Default 604800 (7 days).
    public var invitationExpiry = 604_800.0
    /// Limits on login, register and password/forgot; see ``AuthRateLimits/Rules``.
    var rateLimits = AuthRateLimits.Rules()
    /// `PLINTH_AUTH_APP_URL`: where links in mails point (`/reset-password?token=...`).
    /// Default `CLIENT_URL`, else `API_BASE_URL`.
    public var appURL: String

    public static func load(_ config: PluginConfig, kernel: KernelSettings) throws -> AuthConfiguration {
        let env = config.environment
        var c = AuthConfiguration(issuer: kernel.apiBaseURL, bcryptRounds: kernel.isProduction ? 12 : 10, appURL: kernel.apiBaseURL)
        c.jwtSecret = env.string("JWT_SECRET", secret: true)
        c.refreshSecret = env.string("JWT_REFRESH_SECRET", secret: true)
        for (key, value) in [("JWT_SECRET", c.jwtSecret), ("JWT_REFRESH_SECRET", c.refreshSecret)] {
            if let value, value.count < 32 {
                throw ConfigurationError(key: key, reason: "must be at least 32 characters (it has \(value.count)); generate one with: openssl rand -base64 48")
            }
            if let value, kernel.isProduction, DeploymentCheck.looksWeak(value) {
                throw ConfigurationError(key: key, reason: "has fewer than 10 different characters, so it was not generated; make one with: openssl rand -base64 48")
            }
            if value == nil && kernel.isProduction {
                throw ConfigurationError(key: key, reason: "is required in production (32+ random characters); generate one with: openssl rand -base64 48")
            }
        }
        if let access = c.jwtSecret, access == c.refreshSecret {
            throw ConfigurationError(key: "JWT_REFRESH_SECRET", reason: "must differ from JWT_SECRET")
        }
        c.accessExpiry = try env.seconds("JWT_ACCESS_EXPIRY", default: c.accessExpiry, minimum: 1)
        if c.accessExpiry > 3600 {
            throw ConfigurationError(key: "JWT_ACCESS_EXPIRY", reason: "must be at most 3600 seconds; access tokens cannot be revoked before they expire, so keep them short (default 900)")
        }
        c.refreshExpiry = try env.seconds("JWT_REFRESH_EXPIRY", default: c.refreshExpiry, minimum: 60)
        c.refreshIdleTimeout = try config.seconds("REFRESH_IDLE_TIMEOUT", default: c.refreshExpiry, minimum: 60)
        c.refreshReuseInterval = try config.seconds("REFRESH_REUSE_INTERVAL", default: 0)
        c.issuer = config.string("JWT_ISSUER") ?? c.issuer
        c.audience = config.string("JWT_AUDIENCE") ?? c.audience
        c.bcryptRounds = try env.int("BCRYPT_ROUNDS", default: c.bcryptRounds, range: 4...31)
        if kernel.isProduction && c.bcryptRounds < 10 {
            throw ConfigurationError(key: "BCRYPT_ROUNDS", reason: "must be at least 10 in production (it is \(c.bcryptRounds))")
        }
        c.maxLoginAttempts = try env.int("MAX_LOGIN_ATTEMPTS", default: c.maxLoginAttempts, range: 1...100)
        c.lockoutDuration = try env.seconds("LOCKOUT_DURATION", default: c.lockoutDuration, minimum: 1)
        c.resetExpiry = try env.seconds("PASSWORD_RESET_EXPIRY", default: c.resetExpiry, minimum: 60)
        c.resetTokenLength = try env.int("PASSWORD_RESET_TOKEN_LENGTH", default: c.resetTokenLength, range: 32...128)
        c.apiKeyExpiry = try env.seconds("API_KEY_EXPIRY", default: c.apiKeyExpiry, minimum: 0)
        c.apiKeyRateLimit = try env.int("API_KEY_RATE_LIMIT", default: c.apiKeyRateLimit, range: 1...10_000_000)
        c.refreshCookieMaxAge = try config.seconds("REFRESH_COOKIE_MAX_AGE", default: c.refreshCookieMaxAge, minimum: 60)
        c.passwordMinLength = try config.int("PASSWORD_MIN_LENGTH", default: c.passwordMinLength, range: 8...64)
        c.passwordMaxLength = try config.int("PASSWORD_MAX_LENGTH", default: c.passwordMaxLength, range: 64...4096)
        let unverified = try config.environment.choice(config.key("UNVERIFIED_ACCOUNTS"), default: c.unverifiedAccounts.rawValue, choices: UnverifiedAccess.allCases.map(\.rawValue))
        c.unverifiedAccounts = UnverifiedAccess(rawValue: unverified) ?? .restricted
        c.rateLimits = try AuthRateLimits.Rules.load(config)
        c.invitationExpiry = try config.seconds("INVITATION_EXPIRY", default: c.invitationExpiry, minimum: 60)
        c.appURL = config.string("APP_URL") ?? env.string("CLIENT_URL") ?? c.appURL
        if let path = config.string("PASSWORD_BLOCKLIST") {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ConfigurationError(key: config.key("PASSWORD_BLOCKLIST"), reason: "cannot read '\(path)'; give a readable file with one password per line")
            }
            c.passwordBlocklist = Set(text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty })
        }
        return c
    }
}
