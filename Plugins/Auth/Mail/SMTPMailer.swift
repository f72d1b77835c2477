import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PlinthKernel

/// Delivers mail over SMTP (RFC 5321): EHLO, STARTTLS when offered (or TLS from the start with
/// `SMTP_SECURE`), AUTH PLAIN when `SMTP_USER` is set, one message per connection. The body is
/// sent base64-encoded UTF-8, so no line of it can end the DATA section early.
struct SMTPMailer: Mailer {
    let configuration: MailConfiguration
    let logger: Logger

    struct SMTPError: Error, CustomStringConvertible {
        let description: String
    }

    func send(_ message: MailMessage) async throws {
        guard !message.to.contains("\r"), !message.to.contains("\n"), !message.subject.contains("\r"), !message.subject.contains("\n") else {
            throw SMTPError(description: "refusing a recipient or subject with a line break")
        }
        let configuration = self.configuration
        let deliver = SMTPDelivery(configuration: configuration, message: message)
        do {
            try await withDeadline(seconds: configuration.timeout) { try await deliver.run() }
            logger.info("mail sent", metadata: ["subject": "\(message.subject)", "smtp": "\(configuration.host ?? ""):\(configuration.port)"])
        } catch {
            logger.error("mail not sent", metadata: ["subject": "\(message.subject)", "error": "\(error)"])
            throw error
        }
    }
}

/// One SMTP conversation.
struct SMTPDelivery: Sendable {
    let configuration: MailConfiguration
    let message: MailMessage

    func run() async throws {
        let host = configuration.host ?? "localhost"
        let tls = try NIOSSLContext(configuration: .makeClientConfiguration())
        let secure = configuration.secure
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if secure { try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: host)) }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await channel.executeThenClose { inbound, outbound in
            var replies = SMTPReplies(inbound.makeAsyncIterator())
            try await replies.expect(220)
            let name = "plinth.localhost"
            try await outbound.write(ByteBuffer(string: "EHLO \(name)\r\n"))
            var extensions = try await replies.expect(250).lines
            var encrypted = secure
            if !encrypted, extensions.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) {
                try await outbound.write(ByteBuffer(string: "STARTTLS\r\n"))
                try await replies.expect(220)
                try await channel.channel.pipeline.addHandler(NIOSSLClientHandler(context: tls, serverHostname: host), position: .first)
                encrypted = true
                try await outbound.write(ByteBuffer(string: "EHLO \(name)\r\n"))
                extensions = try await replies.expect(250).lines
            }
            if let user = configuration.user, let password = configuration.password {
                guard encrypted || ["127.0.0.1", "localhost", "::1"].contains(host) else {
                    throw SMTPMailer.SMTPError(description: "\(host) offers no TLS; refusing to send SMTP_USER's password in clear")
                }
                let credentials = Data("\u{0}\(user)\u{0}\(password)".utf8).base64EncodedString()
                try await outbound.write(ByteBuffer(string: "AUTH PLAIN \(credentials)\r\n"))
                try await replies.expect(235)
            }
            try await outbound.write(ByteBuffer(string: "MAIL FROM:<\(configuration.fromAddress)>\r\n"))
            try await replies.expect(250)
            try await outbound.write(ByteBuffer(string: "RCPT TO:<\(message.to)>\r\n"))
            try await replies.expect(250, 251)
            try await outbound.write(ByteBuffer(string: "DATA\r\n"))
            try await replies.expect(354)
            try await outbound.write(ByteBuffer(string: content() + "\r\n.\r\n"))
            try await replies.expect(250)
            try await outbound.write(ByteBuffer(string: "QUIT\r\n"))
            _ = try? await replies.next()
        }
    }

    /// Headers and the base64 body (76-character lines).
    func content() -> String {
        let date = Date().formatted(.dateTime.locale(Locale(identifier: "en_US_POSIX")).weekday(.abbreviated).day().month(.abbreviated).year().hour(.twoDigits(amPM: .omitted)).minute().second().timeZone(.iso8601(.short)))
        let subject = message.subject.allSatisfy(\.isASCII) ? message.subject : "=?UTF-8?B?\(Data(message.subject.utf8).base64EncodedString())?="
        let body = Data(message.body.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        return [
            "From: \(configuration.from)", "To: <\(message.to)>", "Subject: \(subject)", "Date: \(date)",
            "Message-ID: <\(UUID().uuidString.lowercased())@\(configuration.fromAddress.split(separator: "@").last ?? "localhost")>",
            "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64", "", body,
        ].joined(separator: "\r\n")
    }
}

/// Reads SMTP replies (`250-...` continues, `250 ...` ends) from the connection.
struct SMTPReplies {
    struct Reply {
        let code: Int
        let lines: [String]
    }

    var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    var pending = ""

    init(_ iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator) {
        self.iterator = iterator
    }

    mutating func next() async throws -> Reply {
        var lines: [String] = []
        while true {
            while let end = pending.range(of: "\r\n") {
                let line = String(pending[..<end.lowerBound])
                pending.removeSubrange(..<end.upperBound)
                guard line.count >= 3, let code = Int(line.prefix(3)) else { throw SMTPMailer.SMTPError(description: "malformed SMTP reply '\(line.prefix(80))'") }
                lines.append(String(line.dropFirst(4)))
                if line.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] == " " { return Reply(code: code, lines: lines) }
            }
            guard let chunk = try await iterator.next() else { throw SMTPMailer.SMTPError(description: "the SMTP server closed the connection") }
            pending += String(buffer: chunk)
        }
    }

    @discardableResult
    mutating func expect(_ codes: Int...) async throws -> Reply {
        let reply = try await next()
        guard codes.contains(reply.code) else {
            throw SMTPMailer.SMTPError(description: "SMTP server answered \(reply.code) \(reply.lines.joined(separator: " ").prefix(200)), expected \(codes.map(String.init).joined(separator: " or "))")
        }
        return reply
    }
}
