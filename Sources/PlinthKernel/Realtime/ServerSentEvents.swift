import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import ServiceLifecycle

/// The one way a route answers with Server-Sent Events: every message of a channel subscription
/// as `id:`/`event:`/`data:`, a comment every `PLINTH_REALTIME_HEARTBEAT` seconds so that
/// proxies keep the connection, and a final `end` event with the reason when the stream stops:
///
/// - `slow-consumer`: the client fell more than `PLINTH_REALTIME_QUEUE` messages behind;
/// - `shutdown`: the server is stopping (the stream ends at once, not at the drain deadline);
/// - `credentials-revoked`: the caller signed out, or their key or role was revoked. The
///   credentials are checked before every message and once a second while the channel is quiet,
///   so nothing published after a revocation took effect reaches the old caller.
///
/// A client that reconnects with `Last-Event-ID` first gets what the replay window holds after
/// that id; when the id is no longer in the window it gets a `gap` event first.
///
/// ```swift
/// Route.get("events", id: "notes.events", "Note changes as Server-Sent Events")
///     .requires(.permission("notes.read"))
///     .streams(.ok, .serverSentEvents)
///     .handle { input, context in
///         try await ServerSentEvents.stream(channel: "tenant:\(context.tenantID!):notes", channels: channels, request: input.request, context: context)
///     }
/// ```
public enum ServerSentEvents {
    /// How one message is written: its event name and its `data:` text (one line of JSON), or
    /// `nil` to skip it (a filter).
    public typealias Format = @Sendable (ChannelMessage) -> (event: String, data: String)?

    /// The message's type as the event name and its payload as JSON.
    public static let payload: Format = { message in
        (message.type, String(decoding: (try? JSONEncoder.sortedKeys.encode(message.payload)) ?? Data("null".utf8), as: UTF8.self))
    }

    /// Checks `request`'s caller may subscribe to `channel` and answers with its stream.
    /// - Throws: the channel's 404 / 401 / 403 ``Problem`` before anything is streamed.
    public static func stream(channel: String, channels: Channels, request: Request, context: PlinthRequestContext, format: @escaping Format = payload) async throws -> Response {
        try await channels.authorize(channel, request: request, context: context)
        let lastID = request.headers[HTTPField.Name("Last-Event-ID")!]
        let subscription = channels.subscribe(channel, after: lastID)
        return response(subscription, heartbeat: channels.limits.heartbeat, lastEventID: lastID, stillAllowed: { await context.credentialsStillHold() }, format: format)
    }

    /// The response for an existing subscription. `stillAllowed` is asked before every message
    /// and once a second (an auth plugin answers it from its caches, which a revocation clears on
    /// every instance).
    public static func response(_ subscription: ChannelSubscription, heartbeat: Double, lastEventID: String? = nil,
                                stillAllowed: @escaping @Sendable () async -> Bool = { true }, format: @escaping Format = payload) -> Response {
        let (lines, sink) = AsyncStream<String>.makeStream()
        let ended = EndReason()
        @Sendable func finish(_ reason: String) {
            sink.yield("event: end\ndata: {\"reason\":\"\(reason)\"}\n\n")
            sink.finish()
        }
        if subscription.gap, let lastEventID {
            sink.yield("event: gap\ndata: \(String(decoding: (try? JSONEncoder.sortedKeys.encode(["lastEventId": lastEventID])) ?? Data(), as: UTF8.self))\n\n")
        }
        let forward = Task {
            for await message in subscription {
                guard let (event, data) = format(message) else { continue }
                // The watch below may be a second behind, or more on a busy machine.
                guard await stillAllowed() else {
                    if ended.set(.closed) { finish("credentials-revoked") }
                    return
                }
                sink.yield("id: \(message.id)\nevent: \(event)\ndata: \(data)\n\n")
            }
            let reason = subscription.end ?? .closed
            if reason != .closed, ended.set(reason) { finish(reason.rawValue) } else { sink.finish() }
        }
        let watch = Task {
            var elapsed = 0.0
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                guard await stillAllowed() else {
                    if ended.set(.closed) { finish("credentials-revoked") }
                    forward.cancel()
                    return
                }
                elapsed += 1
                if elapsed >= heartbeat {
                    elapsed = 0
                    sink.yield(": keep-alive\n\n")
                }
            }
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            defer {
                forward.cancel()
                watch.cancel()
            }
            try await withGracefulShutdownHandler {
                try await writer.write(ByteBuffer(string: ": connected\nretry: 2000\n\n"))
                for await line in lines { try await writer.write(ByteBuffer(string: line)) }
                try await writer.finish(nil)
            } onGracefulShutdown: {
                if ended.set(.shutdown) { finish(ChannelEnd.shutdown.rawValue) }
            }
        })
    }
}

extension JSONEncoder {
    static var sortedKeys: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
