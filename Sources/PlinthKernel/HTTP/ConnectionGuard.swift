import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// Connections held by one server, shared by the guards of all its connections.
final class ConnectionCount: Sendable {
    private let value = Atomic<Int>(0)
    /// Log lines about refused connections, at most one a second: a flood must not become a
    /// flood of log lines.
    private let lastRefusalLog = Mutex<ContinuousClock.Instant?>(nil)

    /// Counts one more; - Returns: the count with it.
    func open() -> Int { value.wrappingAdd(1, ordering: .relaxed).newValue }
    func close() { value.wrappingSubtract(1, ordering: .relaxed) }
    var current: Int { value.load(ordering: .relaxed) }

    func shouldLogRefusal() -> Bool {
        let now = ContinuousClock.now
        return lastRefusalLog.withLock { last in
            if let last, now - last < .seconds(1) { return false }
            last = now
            return true
        }
    }
}

/// Guards one connection at the HTTP/1 level, before the request reaches Hummingbird:
/// - closes a connection over ``ConnectionLimits/maxConnections`` as it arrives;
/// - closes one that sends no complete header in time, stalls in its body, or idles between
///   requests (``ConnectionLimits``), so silent and slowloris connections cannot pile up;
/// - refuses what RFC 9112 says a server must: an HTTP/1.1 request without exactly one `Host`
///   (400), any request with several, and a `Transfer-Encoding` other than `chunked` (501);
/// - answers an HTTP/1.0 request in HTTP/1.0, so that a body of unknown length (a stream) ends
///   with the connection instead of being sent chunked, which HTTP/1.0 does not know.
///
/// Timers run only while the server waits for the client: none while a handler works or a
/// response streams, and none while the server itself stops reading a body (backpressure).
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    enum Phase: Equatable {
        /// Waiting for a request header; `first` on a new connection.
        case awaitingHead(first: Bool)
        case readingBody
        /// The request is read; its response is not finished.
        case responding
        /// A request refused here: its remaining parts are dropped until the connection closes.
        case refusing
        /// An upgrade request is read: until the server answers, what follows may be the new
        /// protocol's bytes (NIO's parser hands them on raw), which pass unexamined.
        case upgrading
    }

    let limits: ConnectionLimits
    let count: ConnectionCount
    let metrics: KernelMetrics
    let logger: Logger
    private var phase = Phase.awaitingHead(first: true)
    private var timer: Scheduled<Void>?
    private var requestVersion = HTTPVersion.http1_1
    private var counted = false
    /// Set once the connection answered 101: it is a WebSocket from then on, with its own pings.
    private var upgraded = false
    /// Whether the request being read asks to upgrade (`Connection: upgrade` and `Upgrade`).
    private var upgradeRequested = false

    init(limits: ConnectionLimits, count: ConnectionCount, metrics: KernelMetrics, logger: Logger) {
        self.limits = limits
        self.count = count
        self.metrics = metrics
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        counted = true
        let open = count.open()
        guard open <= limits.maxConnections else {
            metrics.connectionRefused()
            if count.shouldLogRefusal() {
                logger.warning("refused a connection: \(open - 1) are open, the limit is \(limits.maxConnections) (PLINTH_MAX_CONNECTIONS)", metadata: ["remote": "\(context.remoteAddress.map { "\($0)" } ?? "?")"])
            }
            context.close(promise: nil)
            return
        }
        arm(context, seconds: limits.headerTimeout, reason: "no complete request header", setting: "PLINTH_HEADER_TIMEOUT")
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        if counted {
            // An upgraded connection still counts against the limit until it closes.
            if upgraded { context.channel.closeFuture.whenComplete { [count] _ in count.close() } } else { count.close() }
        }
        counted = false
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .upgrading = phase {
            context.fireChannelRead(data)
            return
        }
        let part = unwrapInboundIn(data)
        switch (phase, part) {
        case (.refusing, _):
            return
        case (_, .head(let head)):
            disarm()
            requestVersion = head.version
            upgradeRequested = head.headers.contains(name: "upgrade")
                && head.headers["connection"].contains { $0.lowercased().contains("upgrade") }
            if let refusal = Self.refusal(head) {
                phase = .refusing
                refuse(context, refusal.status, refusal.detail)
                return
            }
            phase = .readingBody
        case (_, .body):
            disarm()
        case (_, .end):
            disarm()
            phase = upgradeRequested ? .upgrading : .responding
        }
        context.fireChannelRead(data)
    }

    func read(context: ChannelHandlerContext) {
        // The server asks for more of the body: from now on it waits for the client.
        if case .readingBody = phase, timer == nil {
            arm(context, seconds: limits.bodyTimeout, reason: "the request body stalled", setting: "PLINTH_BODY_TIMEOUT")
        }
        context.read()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status == .switchingProtocols:
            // The upgrade: frames follow, which this handler does not read.
            upgraded = true
            disarm()
            context.write(data, promise: promise)
        case .head where phase == .upgrading:
            // Answered without switching: HTTP goes on.
            phase = .responding
            context.write(data, promise: promise)
        case .head(var head) where requestVersion.minor == 0 && head.version != requestVersion:
            head.version = requestVersion
            if !head.headers.contains(name: "content-length") { head.headers.replaceOrAdd(name: "connection", value: "close") }
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end:
            context.write(data, promise: promise)
            if case .responding = phase {
                phase = .awaitingHead(first: false)
                arm(context, seconds: limits.keepAliveTimeout, reason: "the connection was idle", setting: "PLINTH_KEEPALIVE_TIMEOUT")
            }
        default:
            context.write(data, promise: promise)
        }
    }

    func flush(context: ChannelHandlerContext) {
        context.flush()
        // Leaves once the 101 is on its way (not inside its write, which would lose its flush).
        if upgraded { context.pipeline.syncOperations.removeHandler(context: context, promise: nil) }
    }

    /// What RFC 9112 makes a server refuse in a request head, if anything.
    static func refusal(_ head: HTTPRequestHead) -> (status: HTTPResponseStatus, detail: String)? {
        let hosts = head.headers["host"].count
        if hosts > 1 { return (.badRequest, "a request carries one Host header, not \(hosts) (RFC 9112 section 3.2)") }
        if hosts == 0 && (head.version.major > 1 || head.version.minor >= 1) { return (.badRequest, "an HTTP/1.1 request needs a Host header (RFC 9112 section 3.2)") }
        let codings = head.headers["transfer-encoding"].flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if !codings.isEmpty && codings != ["chunked"] {
            return (.notImplemented, "the only transfer coding accepted is chunked, not '\(codings.joined(separator: ", "))' (RFC 9112 section 6.1)")
        }
        return nil
    }

    private func refuse(_ context: ChannelHandlerContext, _ status: HTTPResponseStatus, _ detail: String) {
        let problem: [String: Any] = [
            "type": "https://plinth.dev/problems/" + (status == .badRequest ? "bad-request" : "not-implemented"),
            "title": status.reasonPhrase, "status": Int(status.code), "detail": detail,
        ]
        let body = (try? JSONSerialization.data(withJSONObject: problem, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/problem+json")
        headers.add(name: "content-length", value: String(body.utf8.count))
        headers.add(name: "connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: requestVersion, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }

    private func arm(_ context: ChannelHandlerContext, seconds: Double, reason: String, setting: String) {
        disarm()
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: .nanoseconds(Int64(seconds * 1_000_000_000))) {
            let (handler, context) = loopBound.value
            handler.timer = nil
            handler.metrics.connectionTimedOut(setting: setting)
            handler.logger.info("closed a connection: \(reason) within \(seconds) s (\(setting))", metadata: ["remote": "\(context.remoteAddress.map { "\($0)" } ?? "?")"])
            context.close(promise: nil)
        }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
    }
}
