import PlinthKernel

/// SMTP settings, with the seed's names. Without `SMTP_HOST` mail goes to the outbox folder.
struct MailConfiguration: Sendable {
    /// `SMTP_HOST`.
    var host: String?
    /// `SMTP_PORT`. Default 587, or 465 with `SMTP_SECURE`.
    var port = 587
    /// `SMTP_SECURE`: TLS from the first byte (port 465). Default false: plain, upgraded with
    /// STARTTLS when the server offers it.
    var secure = false
    /// `SMTP_USER`, `SMTP_PASS`: AUTH PLAIN, sent only over TLS or to a loopback server.
    var user: String?
    var password: String?
    /// `EMAIL_FROM`. Default `Plinth <no-reply@localhost>`.
    var from = "Plinth <no-reply@localhost>"
    /// `PLINTH_AUTH_SMTP_TIMEOUT` in seconds for a whole delivery. Default 30.
    var timeout = 30.0

    static func load(_ env: ConfigSource) throws -> MailConfiguration {
        var c = MailConfiguration()
        c.host = env.string("SMTP_HOST").flatMap { $0.isEmpty ? nil : $0 }
        c.secure = try env.bool("SMTP_SECURE", default: false)
        c.port = try env.int("SMTP_PORT", default: c.secure ? 465 : 587, range: 1...65535)
        c.user = env.string("SMTP_USER")
        c.password = env.string("SMTP_PASS", secret: true)
        if c.user != nil && c.password == nil {
            throw ConfigurationError(key: "SMTP_PASS", reason: "is required when SMTP_USER is set")
        }
        c.from = env.string("EMAIL_FROM") ?? c.from
        guard c.from.contains("@"), !c.from.contains("\r"), !c.from.contains("\n") else {
            throw ConfigurationError(key: "EMAIL_FROM", reason: "must be an address such as 'Acme <no-reply@acme.test>', not '\(c.from)'")
        }
        c.timeout = try env.seconds("PLINTH_AUTH_SMTP_TIMEOUT", default: c.timeout, minimum: 1)
        return c
    }

    /// The bare address of `EMAIL_FROM` (`a@b` out of `Name <a@b>`).
    var fromAddress: String {
        guard let open = from.firstIndex(of: "<"), let close = from.lastIndex(of: ">"), open < close else { return from.trimmingCharacters(in: .whitespaces) }
        return String(from[from.index(after: open)..<close])
    }
}
