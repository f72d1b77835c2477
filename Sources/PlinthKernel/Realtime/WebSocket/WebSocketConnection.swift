import Foundation
import Hummingbird
import HummingbirdWebSocket
import NIOCore
import NIOWebSocket

/// What a WebSocket route's handler runs with: the upgrade request, the context its policy let
/// through, and the socket's two directions.
///
/// The socket closes when the handler returns (1000), or with the code the handler gives
/// ``close(_:reason:)``. A handler that throws closes it with 1011.
public struct WebSocketConnection: Sendable {
    /// The upgrade request (its headers and query; it has no body).
    public let request: Request
    /// The context after the route's policy: identity, tenant, plugin, request id.
    public let context: PlinthRequestContext
    /// Frames from the client; ``messages`` reads whole messages.
    public let inbound: WebSocketInboundStream
    public let outbound: WebSocketOutboundWriter
    /// Largest message the client may send; longer ones close the socket (1009).
    /// Default 64 KiB.
    public var maxMessageSize = 64 << 10

    /// Whole messages from the client, text or binary, until it closes.
    public var messages: WebSocketInboundMessageStream { inbound.messages(maxSize: maxMessageSize) }

    /// Sends one text message.
    public func send(_ text: String) async throws {
        try await outbound.writeTextMessage(text)
    }

    /// Sends `value` as one text message of JSON.
    public func send(json value: some Encodable) async throws {
        try await outbound.writeTextMessage(String(decoding: try JSONEncoder.sortedKeys.encode(value), as: UTF8.self))
    }

    /// Closes with `code` (1000 normal, 1001 going away, 1008 policy, 1011 server error, 1013
    /// try again later, 4000–4999 the application's own) and a reason of at most 123 bytes.
    public func close(_ code: Int, reason: String) async throws {
        try await outbound.close(WebSocketErrorCode(codeNumber: code), reason: Self.reason(reason))
    }

    /// `text` cut to the 123 bytes a close frame has room for, on a character boundary.
    static func reason(_ text: String) -> String {
        guard text.utf8.count > 123 else { return text }
        var cut = ""
        for character in text {
            if cut.utf8.count + String(character).utf8.count > 120 { break }
            cut.append(character)
        }
        return cut + "..."
    }
}

/// A WebSocket route's handler.
public typealias WebSocketHandler = @Sendable (WebSocketConnection) async throws -> Void

extension Endpoint where Body == NoBody, Query == NoQuery {
    /// Makes a GET route a WebSocket route: the kernel answers the upgrade once the policy holds
    /// (the request passes the kernel's middleware, sessions and authenticator as every request
    /// does), then runs `handler`. Refused by the policy, the socket opens and closes at once
    /// with 1008 and the refusal's detail as the reason, which browsers can read (they see no
    /// handshake status). A GET without the upgrade answers 426.
    ///
    /// ```swift
    /// Route.get("echo", id: "notes.echo", "Echoes what it is sent")
    ///     .requires(.signedIn)
    ///     .webSocket { socket in
    ///         for try await message in socket.messages { try await socket.send(String(describing: message)) }
    ///     }
    /// ```
    public func webSocket(_ handler: @escaping WebSocketHandler) -> Route {
        let endpoint = streams(.switchingProtocols, .webSocket, "switches to a WebSocket")
            .header("Upgrade", .string, required: true, "`websocket`")
            .problems(.upgradeRequired)
        var route = Route(operation: endpoint.operation) { _, _ in
            throw Problem(.upgradeRequired, type: "upgrade-required", detail: "this is a WebSocket endpoint: connect with 'Upgrade: websocket'", headers: [.upgrade: "websocket", .connection: "Upgrade"])
        }
        route.webSocket = handler
        return route
    }
}
