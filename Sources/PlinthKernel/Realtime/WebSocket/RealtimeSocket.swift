import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import ServiceLifecycle
import Synchronization

/// The kernel's shared socket, `/ws`, speaking the protocol of Workscript's server: JSON text
/// messages `{type, payload, timestamp}` with the time in milliseconds since 1970.
///
/// - On connect the server sends `connection.welcome {clientId}`.
/// - `ping` → `pong`; `system:ping` → `system:pong {timestamp, serverId}`.
/// - `subscribe {channel}` (or `{payload: {channel}}`; optional `after`, the id of the last
///   message seen, to resume from the replay window) → `subscribed {channel}`, once the channel's
///   policy lets the socket's caller in; `unsubscribe {channel}` → `unsubscribed {channel}`.
/// - Each channel message arrives as `{type, channel, id, payload, timestamp}`.
/// - Anything else, or a refused subscription, → `error {error}` (with `channel` and `status`
///   for a subscription); the socket stays open.
///
/// The socket is closed with a reason when its client falls more than `PLINTH_REALTIME_QUEUE`
/// messages behind (1013), when its credentials stop holding (1008: signed out, key revoked),
/// when they did not hold at the upgrade (1008), and on shutdown (1001, or 1000 when the
/// WebSocket library's own close on graceful shutdown goes out first).
struct RealtimeSocket: Sendable {
    let channels: Channels
    let metrics: KernelMetrics
    /// Channels one socket may hold at once.
    static let maxSubscriptions = 64

    /// Why a socket ends: a close code and reason, or `nil` when the client left.
    struct End: Sendable {
        let code: Int?
        let reason: String
    }

    func run(_ socket: WebSocketConnection) async throws {
        if let problem = socket.context.authenticationProblem {
            let reason = problem.detail ?? problem.title
            try? await socket.send(Self.text(type: "error", payload: ["error": .string(reason)]))
            try await socket.close(1008, reason: reason)
            return
        }
        connections(by: 1)
        defer { connections(by: -1) }
        let (outbox, post) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingOldest(channels.limits.queue))
        let (ends, finish) = AsyncStream<End>.makeStream(bufferingPolicy: .bufferingOldest(1))
        let subscriptions = Subscriptions()
        let clientID = "client_\(Int(Date().timeIntervalSince1970 * 1000))_\(Self.base36(9))"
        post.yield(Self.text(type: "connection.welcome", payload: ["clientId": .string(clientID)]))

        // Every message to the client goes through `outbox`, written by one task, so that a
        // client that reads slowly fills a bounded queue rather than memory.
        @Sendable func send(_ text: String, family: String?) {
            if case .dropped = post.yield(text) {
                if let family { channels.count("messages_dropped", family, by: 1) }
                finish.yield(End(code: 1013, reason: ChannelEnd.slowConsumer.rawValue))
            }
        }

        @Sendable func subscribe(_ channel: String, after: String?) async {
            guard subscriptions.byChannel.withLock({ $0[channel] == nil && $0.count < Self.maxSubscriptions }) else {
                let detail = subscriptions.byChannel.withLock { $0[channel] != nil } ? "already subscribed to '\(channel)'" : "a socket holds at most \(Self.maxSubscriptions) channels"
                send(Self.text(type: "error", payload: ["error": .string(detail), "channel": .string(channel)]), family: nil)
                return
            }
            do {
                try await channels.authorize(channel, request: socket.request, context: socket.context)
            } catch {
                let problem = error as? Problem ?? Problem(.internalServerError, detail: "the channel could not be checked")
                send(Self.text(type: "error", payload: ["error": .string(problem.detail ?? problem.title), "channel": .string(channel), "status": .number(Double(problem.status.code))]), family: nil)
                return
            }
            // `subscribed` goes first, then what the replay window holds.
            send(Self.text(type: "subscribed", payload: ["channel": .string(channel)]), family: nil)
            // Straight into the outbox, on the delivering path: no queue or task per channel in
            // between. A full outbox ends the subscription, which closes the socket (1013);
            // Channels counts the message dropped.
            let attachment = channels.attach(channel, after: after, sink: { message in
                if case .dropped = post.yield(Self.text(message)) { return false }
                return true
            }, ended: { end in
                switch end {
                case .slowConsumer: finish.yield(End(code: 1013, reason: ChannelEnd.slowConsumer.rawValue))
                case .shutdown: finish.yield(End(code: 1001, reason: ChannelEnd.shutdown.rawValue))
                case .closed: break
                }
            })
            subscriptions.byChannel.withLock { $0[channel] = attachment }
        }

        // Unstructured, so that ending the socket can stop each part on its own terms: the
        // writer must drain and send the close frame before the reader stops, or the close is lost.
        // (Child tasks of a group measured slower at a thousand sockets: 64k against 90k
        // deliveries a second.)
        let writer = Task {
            do {
                // The writer alone, not the whole connection value (request, context), per message.
                let outbound = socket.outbound
                for try await message in outbox { try await outbound.writeTextMessage(message) }
            } catch {
                finish.yield(End(code: nil, reason: "the connection failed"))
            }
        }
        let reader = Task {
            do {
                for try await message in socket.messages {
                    guard case .text(let text) = message, let request = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)),
                          case .object(let fields) = request, case .string(let type)? = fields["type"] else {
                        send(Self.text(type: "error", payload: ["error": "Invalid message format"]), family: nil)
                        continue
                    }
                    switch type {
                    case "ping":
                        send(Self.text(type: "pong"), family: nil)
                    case "system:ping":
                        send(Self.text(type: "system:pong", payload: ["timestamp": Self.now, "serverId": .string(channels.instance)]), family: nil)
                    case "subscribe", "unsubscribe":
                        guard let channel = Self.field("channel", of: fields) else {
                            send(Self.text(type: "error", payload: ["error": .string("\(type) needs a channel (a string)")]), family: nil)
                            continue
                        }
                        if type == "subscribe" {
                            await subscribe(channel, after: Self.field("after", of: fields))
                        } else {
                            subscriptions.byChannel.withLock { $0.removeValue(forKey: channel) }?.cancel()
                            send(Self.text(type: "unsubscribed", payload: ["channel": .string(channel)]), family: nil)
                        }
                    default:
                        send(Self.text(type: "error", payload: ["error": .string("Unknown message type: \(type)")]), family: nil)
                    }
                }
                finish.yield(End(code: nil, reason: "closed by the client"))
            } catch {
                finish.yield(End(code: 1009, reason: "a message could not be read (at most \(socket.maxMessageSize) bytes of text)"))
            }
        }
        let context = socket.context
        let watcher = Task {
            guard context.identity != nil else { return }
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                if Task.isCancelled { return }
                if await !context.credentialsStillHold() {
                    finish.yield(End(code: 1008, reason: "credentials-revoked"))
                    return
                }
            }
        }
        // The server's graceful shutdown reaches the socket before the channels close: end at
        // once (1001) rather than wait for the channels; the library may close first (1000).
        let first = await withGracefulShutdownHandler {
            for await end in ends { return end }
            return End(code: nil, reason: "closed")
        } onGracefulShutdown: {
            finish.yield(End(code: 1001, reason: ChannelEnd.shutdown.rawValue))
        }
        watcher.cancel()
        for attachment in subscriptions.byChannel.withLock({ $0.values }) { attachment.cancel() }
        post.finish()
        if let code = first.code {
            // What is queued goes out, then the close frame; a client that reads nothing for
            // 5 s more is cut off with the connection.
            let reason = first.reason
            _ = try? await withDeadline(seconds: 5) {
                await writer.value
                try await socket.close(code, reason: reason)
            }
            _ = try? await withDeadline(seconds: 5) { await reader.value }
        }
        writer.cancel()
        reader.cancel()
    }

    /// The socket's subscriptions, by channel.
    final class Subscriptions: Sendable {
        let byChannel = Mutex<[String: ChannelAttachment]>([:])
    }

    /// The payload's or the message's own string field `name` (both forms upstream accepts).
    static func field(_ name: String, of fields: [String: JSONValue]) -> String? {
        if case .string(let value)? = fields[name] { return value }
        if case .object(let payload)? = fields["payload"], case .string(let value)? = payload[name] { return value }
        return nil
    }

    static var now: JSONValue { .number((Date().timeIntervalSince1970 * 1000).rounded()) }

    /// `{type, payload?, timestamp}` as one line of JSON.
    static func text(type: String, payload: [String: JSONValue]? = nil) -> String {
        var fields: [String: JSONValue] = ["type": .string(type), "timestamp": now]
        if let payload { fields["payload"] = .object(payload) }
        return encode(.object(fields))
    }

    /// A channel message as the socket sends it (encoded once per message, see ``ChannelMessage``).
    static func text(_ message: ChannelMessage) -> String {
        message.socketText.get { encodeMessage(message) }
    }

    static func encodeMessage(_ message: ChannelMessage) -> String {
        encode(.object([
            "type": .string(message.type), "channel": .string(message.channel), "id": .string(message.id),
            "payload": message.payload, "timestamp": .number((message.timestamp.timeIntervalSince1970 * 1000).rounded()),
        ]))
    }

    static func encode(_ value: JSONValue) -> String {
        String(decoding: (try? JSONEncoder.sortedKeys.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
    }

    static func base36(_ count: Int) -> String {
        let digits = Array("0123456789abcdefghijklmnopqrstuvwxyz")
        return String((0..<count).map { _ in digits.randomElement()! })
    }

    private func connections(by amount: Double) {
        metrics.registry.makeGauge(descriptor: .init(namespace: "plinth", subsystem: "realtime", metricName: "connections", unitName: "count", helpText: "Open WebSocket connections on /ws"))
            .increment(by: amount)
    }
}
