import Foundation
import Logging

/// The development mailer: each message becomes a file in `$PLINTH_DATA_DIR/mail-outbox`, and
/// the log says which file. The message itself is not logged because reset and verification
/// links carry tokens, and tokens never go into logs.
struct OutboxMailer: Mailer {
    let folder: String
    let from: String
    let logger: Logger

    func send(_ message: MailMessage) async throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let name = "\(Int(Date().timeIntervalSince1970 * 1000))-\(UUID().uuidString.prefix(8)).eml"
        let path = (folder as NSString).appendingPathComponent(name)
        let text = "From: \(from)\r\nTo: \(message.to)\r\nSubject: \(message.subject)\r\n\r\n\(message.body)\r\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        logger.info("mail written to the outbox (SMTP_HOST is not set)", metadata: ["subject": "\(message.subject)", "file": "\(path)"])
    }
}
