import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import SQLKit

/// Short-lived, single-use tickets for `/ws`: a browser cannot set `Authorization` on a
/// WebSocket, so it asks `POST /ws/tickets` with its usual credentials and connects to
/// `/ws?ticket=…`. The ticket stands for the credentials it was issued with (sealed at rest in
/// `plinth_socket_tickets`), which the socket's upgrade presents again, so a sign-out or a
/// revoked key in between still counts. Any instance on the database redeems it, once, within
/// `PLINTH_REALTIME_TICKET_EXPIRY` seconds (default 30).
struct SocketTickets: Sendable {
    let database: Database
    let secrets: SecretStore
    let clock: any KernelClock
    let expiry: Double
    let logger: Logger

    /// The request headers a ticket carries, and that redeeming it replaces.
    static let carried: [HTTPField.Name] = [.authorization, .cookie, HTTPField.Name("x-api-key")!, HTTPField.Name("x-tenant-id")!]
    static let table = "plinth_socket_tickets"

    /// A new ticket for the credentials of `request`.
    func issue(for request: Request) async throws -> String {
        var credentials: [String: String] = [:]
        for name in Self.carried {
            let values = request.headers[values: name]
            if !values.isEmpty { credentials[name.canonicalName] = values.joined(separator: name == .cookie ? "; " : ", ") }
        }
        var bytes = [UInt8](repeating: 0, count: 32)
        for index in bytes.indices { bytes[index] = UInt8.random(in: .min ... .max) }
        let ticket = SecretStore.base64URL(Data(bytes))
        let id = Self.hash(ticket)
        let sealed = try secrets.seal(String(decoding: try JSONEncoder.sortedKeys.encode(credentials), as: UTF8.self), for: SecretOwner(plugin: "kernel", table: Self.table, row: id))
        try await database.sql.raw("INSERT INTO plinth_socket_tickets (id_hash, credentials, expires_at) VALUES (\(bind: id), \(bind: sealed), \(bind: clock.now.timeIntervalSince1970 + expiry))").run()
        return ticket
    }

    /// The headers `ticket` stands for, once; `nil` when it is unknown, used or expired.
    func redeem(_ ticket: String) async -> [(HTTPField.Name, String)]? {
        let id = Self.hash(ticket)
        do {
            // Deleting is the redemption: of two sockets racing with one ticket, one gets the row.
            guard let row = try await database.sql.raw("DELETE FROM plinth_socket_tickets WHERE id_hash = \(bind: id) RETURNING credentials, expires_at").first() else { return nil }
            guard try row.decode(column: "expires_at", as: Double.self) > clock.now.timeIntervalSince1970 else { return nil }
            let text = try secrets.openString(try row.decode(column: "credentials", as: String.self), for: SecretOwner(plugin: "kernel", table: Self.table, row: id))
            let credentials = try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
            return credentials.compactMap { key, value in HTTPField.Name(key).map { ($0, value) } }
        } catch {
            logger.error("a WebSocket ticket could not be redeemed", metadata: ["error": "\(DatabaseError.describe(error))"])
            return nil
        }
    }

    /// Removes expired tickets.
    func purge() async throws {
        try await database.sql.raw("DELETE FROM plinth_socket_tickets WHERE expires_at < \(bind: clock.now.timeIntervalSince1970)").run()
    }

    static func hash(_ ticket: String) -> String {
        SHA256.hash(data: Data(ticket.utf8)).hexString
    }
}
