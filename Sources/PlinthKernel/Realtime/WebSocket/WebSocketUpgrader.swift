import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket

/// Decides each WebSocket upgrade: the request runs through the upgrade router, which carries
/// the kernel's middleware (request id, CORS, session, authenticator, access log) and the
/// WebSocket routes, so a socket is authenticated exactly as any request. Before that:
///
/// - `?ticket=` (from `POST /ws/tickets`) is redeemed once and stands for the credentials it was
///   issued to;
/// - a request that presents the session cookie from an `Origin` that is neither the server's
///   own nor in `PLINTH_CORS_ORIGINS` is refused: a page on another site must not reach a
///   signed-in user's socket with the cookie the browser attaches (cross-site WebSocket hijacking).
///
/// No WebSocket route at the path: the handshake fails (400). Refused by a policy, an origin or
/// a ticket: the socket opens and closes at once with 1008 and the reason.
struct WebSocketUpgrader: Sendable {
    let responder: any HTTPResponder<PlinthRequestContext>
    let cors: CORSPolicy
    let sessionCookie: String
    let tickets: SocketTickets
    let logger: Logger

    typealias Decision = ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>>

    func decide(_ head: HTTPRequest, channel: any Channel, logger: Logger) async throws -> Decision {
        var head = head
        let uri = URI(head.path ?? "/")
        if let ticket = uri.queryParameters["ticket"].map(String.init) {
            guard let credentials = await tickets.redeem(ticket) else {
                return Self.refusal("the ticket is unknown, expired or already used: get a new one from POST /ws/tickets")
            }
            for name in SocketTickets.carried { head.headerFields[name] = nil }
            for (name, value) in credentials { head.headerFields.append(HTTPField(name: name, value: value)) }
        } else if let origin = head.headerFields[.origin], presentsSession(head),
                  head.headerFields[values: .origin].count > 1 || !originAllowed(origin, host: head.authority) {
            return Self.refusal("origin '\(origin)' may not use the session cookie: add it to PLINTH_CORS_ORIGINS, or use a ticket")
        }
        let request = Request(head: head, body: .init(buffer: ByteBuffer()))
        var context = PlinthRequestContext(source: .init(channel: channel, logger: logger))
        let slot = WebSocketSlot()
        context.values[WebSocketSlot.self] = slot
        let response = try await responder.respond(to: request, context: context)
        switch slot.outcome {
        case .accept(let run):
            var headers = HTTPFields()
            for field in response.headers where ![.contentLength, .contentType, .transferEncoding].contains(field.name) { headers.append(field) }
            return .upgrade(headers) { inbound, outbound, _ in
                try await run(WebSocketConnectionParts(inbound: inbound, outbound: outbound))
            }
        case .refuse(let reason):
            return Self.refusal(reason)
        case nil:
            // No WebSocket route here: a failed handshake. Anything else the middleware refused
            // (a malformed credential, a rate limit) opens and closes with its status.
            if response.status == .notFound || response.status == .methodNotAllowed || response.status == .upgradeRequired { return .dontUpgrade }
            return Self.refusal("\(response.status.code) \(response.status.reasonPhrase)", code: response.status == .tooManyRequests ? 1013 : 1008)
        }
    }

    /// Opens, says why in an `error` message, and closes with `code`.
    static func refusal(_ reason: String, code: Int = 1008) -> Decision {
        .upgrade([:]) { _, outbound, _ in
            try? await outbound.writeTextMessage(RealtimeSocket.text(type: "error", payload: ["error": .string(reason)]))
            try await outbound.close(WebSocketErrorCode(codeNumber: code), reason: WebSocketConnection.reason(reason))
        }
    }

    func presentsSession(_ head: HTTPRequest) -> Bool {
        head.headerFields[values: .cookie].contains { header in
            header.split(separator: ";").contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix(sessionCookie + "=") }
        }
    }

    /// The server's own origin (scheme aside, its authority is the request's `Host`), or one of
    /// `PLINTH_CORS_ORIGINS` by exact match; `*` does not cover cookies, as in CORS.
    func originAllowed(_ origin: String, host: String?) -> Bool {
        if cors.origins.contains(origin) { return true }
        guard let host, let url = URL(string: origin), let originHost = url.host else { return false }
        let authority = url.port.map { "\(originHost):\($0)" } ?? originHost
        return authority.lowercased() == host.lowercased()
    }
}
