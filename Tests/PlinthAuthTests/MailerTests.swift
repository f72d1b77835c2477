import Foundation
@testable import PlinthAuth
import PlinthKernel
import PlinthTesting
import Testing

/// Mail over SMTP to a real local server (aiosmtpd, started by scripts/test), and what happens
/// when the server is not there.
@Suite struct MailerTests {
    /// `(port, maildir)` of the test SMTP server, when scripts/test started one.
    static var server: (port: String, maildir: String)? {
        let env = ProcessInfo.processInfo.environment
        if let port = env["PLINTH_TEST_SMTP_PORT"], let dir = env["PLINTH_TEST_SMTP_MAILDIR"] { return (port, dir) }
        if env["PLINTH_TEST_REQUIRE_SMTP"] == "1" { fatalError("PLINTH_TEST_REQUIRE_SMTP=1 but PLINTH_TEST_SMTP_PORT is not set; run scripts/test") }
        return nil
    }

    static var backends: [TestBackend] { server == nil ? [] : TestBackend.all }

    /// The message to `recipient` about `subject` in the maildir, waiting up to 5 s for it.
    static func message(to recipient: String, subject: String, in maildir: String) async throws -> String {
        let folder = (maildir as NSString).appendingPathComponent("new")
        for _ in 0..<50 {
            for file in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
                let text = try String(contentsOfFile: (folder as NSString).appendingPathComponent(file), encoding: .utf8)
                if text.contains("To: <\(recipient)>") && text.contains("Subject: \(subject)") { return text }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HarnessError("no mail to \(recipient) in \(folder)")
    }

    @Test(arguments: backends)
    func aResetLinkArrivesOverSMTPAndWorks(backend: TestBackend) async throws {
        let (port, maildir) = try #require(Self.server)
        let email = "smtp-\(UUID().uuidString.prefix(8).lowercased())@example.com"
        try await AuthHarness.run(backend: backend, environment: ["SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "EMAIL_FROM": "Plinth Test <no-reply@plinth.test>"]) { client, _ in
            try await client.register(email)
            _ = try await client.post("/api/auth/password/forgot", ["email": email])
            let text = try await Self.message(to: email, subject: "Reset your password", in: maildir)
            #expect(text.contains("From: Plinth Test <no-reply@plinth.test>"))
            #expect(text.contains("Content-Transfer-Encoding: base64"))
            // Decode the base64 body and follow the link.
            let body = try #require(text.components(separatedBy: "\n\n").dropFirst().first ?? text.components(separatedBy: "\r\n\r\n").dropFirst().first)
            let decoded = String(decoding: try #require(Data(base64Encoded: body.replacingOccurrences(of: "\r", with: "").replacingOccurrences(of: "\n", with: ""))), as: UTF8.self)
            let token = try #require(decoded.range(of: "token=").map { String(decoded[$0.upperBound...].prefix { $0.isHexDigit }) })
            #expect(try await client.post("/api/auth/password/reset", ["token": token, "password": "a new passphrase"]).status == 204)
        }
    }

    @Test(arguments: TestBackend.all)
    func anUnreachableMailServerDoesNotChangeTheAnswer(backend: TestBackend) async throws {
        let logs = LogCapture()
        // Port 9 (discard) is closed on loopback: the connection is refused at once.
        try await AuthHarness.run(backend: backend, environment: ["SMTP_HOST": "127.0.0.1", "SMTP_PORT": "9"], logs: logs) { client, _ in
            try await client.register("ann@example.com")
            let known = try await client.post("/api/auth/password/forgot", ["email": "ann@example.com"])
            let unknown = try await client.post("/api/auth/password/forgot", ["email": "nobody@example.com"])
            #expect(known.status == 202)
            #expect(known.text == unknown.text)
        }
        #expect(!logs.lines(containing: "mail not sent").isEmpty)
    }
}
