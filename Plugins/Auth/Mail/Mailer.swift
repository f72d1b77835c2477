/// A plain-text mail.
public struct MailMessage: Sendable, Hashable {
    public var to: String
    public var subject: String
    public var body: String
    public init(to: String, subject: String, body: String) {
        self.to = to
        self.subject = subject
        self.body = body
    }
}

/// Sends mail for any plugin. The auth plugin provides it: over SMTP when `SMTP_HOST` is set,
/// otherwise into an outbox folder on disk (see ``OutboxMailer``).
public protocol Mailer: Sendable {
    func send(_ message: MailMessage) async throws
}
