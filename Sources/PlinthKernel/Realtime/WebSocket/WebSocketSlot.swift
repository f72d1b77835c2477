import HummingbirdWebSocket
import Synchronization

/// Where a WebSocket route, run as the upgrade request passes the router, leaves its decision
/// for the upgrader: accept with a handler, or refuse with a reason. The kernel puts one in
/// ``PlinthRequestContext/values`` of upgrade requests only, so ordinary requests allocate none.
final class WebSocketSlot: Sendable {
    enum Outcome: Sendable {
        /// The policy held: run this once upgraded.
        case accept(@Sendable (WebSocketConnectionParts) async throws -> Void)
        /// Open and close at once with 1008 and this reason.
        case refuse(String)
    }

    private let state = Mutex<Outcome?>(nil)
    var outcome: Outcome? { state.withLock { $0 } }
    func set(_ outcome: Outcome) { state.withLock { $0 = outcome } }
}

/// The two directions of an accepted socket.
struct WebSocketConnectionParts: Sendable {
    let inbound: WebSocketInboundStream
    let outbound: WebSocketOutboundWriter
}
