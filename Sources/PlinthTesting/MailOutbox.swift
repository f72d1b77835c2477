import Foundation

/// The development mailer's folder (`$PLINTH_DATA_DIR/mail-outbox`), read the way a person
/// reads their inbox: to follow a link.
public struct MailOutbox: Sendable {
    public let folder: String

    public init(folder: String) { self.folder = folder }
    /// The outbox of a server whose `PLINTH_DATA_DIR` is `dataDirectory`.
    public init(dataDirectory: String) { folder = (dataDirectory as NSString).appendingPathComponent("mail-outbox") }

    /// The token of the link in the newest mail to `to` with `subject`, waiting up to `timeout`
    /// seconds (default 30) for it: mail leaves after the answer, through the jobs queue, and a
    /// whole suite running in parallel on two cores has delayed it past 10 s.
    public func token(to: String, subject: String, timeout: Double = 30) async throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            for file in files.sorted().reversed() {
                guard let text = try? String(contentsOfFile: (folder as NSString).appendingPathComponent(file), encoding: .utf8),
                      text.contains("To: \(to)\r\n"), text.contains("Subject: \(subject)\r\n"), let range = text.range(of: "token=") else { continue }
                return String(text[range.upperBound...].prefix { $0.isHexDigit })
            }
            try await Task.sleep(for: .milliseconds(20))
        } while Date() < deadline
        throw MailOutboxError(description: "no mail to \(to) with subject '\(subject)' in \(folder)")
    }

    /// Verifies `email` on the server at `url` with the link it mailed.
    public func verify(_ email: String, at url: String) async throws {
        let token = try await token(to: email, subject: "Verify your email address")
        let answer = try await httpPost(url + "/api/auth/email/verify", body: #"{"token":"\#(token)"}"#, headers: ["content-type": "application/json"])
        guard answer.status == 204 else { throw MailOutboxError(description: "verifying \(email): \(answer.status) \(answer.body)") }
    }
}

public struct MailOutboxError: Error, CustomStringConvertible {
    public let description: String
}
