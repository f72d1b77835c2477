/// Why a subscription ended.
public enum ChannelEnd: String, Sendable, Hashable {
    /// The subscriber cancelled, or the connection closed.
    case closed
    /// The subscriber fell behind by more than its queue holds (WebSocket 1013, SSE `end`).
    case slowConsumer = "slow-consumer"
    /// The server is shutting down.
    case shutdown
}

/// Messages of one channel for one subscriber, through a bounded queue: a subscriber that falls
/// behind by more than `PLINTH_REALTIME_QUEUE` messages is ended with ``ChannelEnd/slowConsumer``
/// instead of holding memory or delaying the others.
public struct ChannelSubscription: AsyncSequence, Sendable {
    public typealias Element = ChannelMessage
    let stream: AsyncStream<ChannelMessage>
    let ending: EndReason
    /// Messages from the replay window the subscriber asked for with `after:`.
    public let replayed: Int
    /// Whether `after:` named a message no longer in the replay window (messages may be missing).
    public let gap: Bool

    /// Why the sequence ended, once it has; `nil` while it runs.
    public var end: ChannelEnd? { ending.value }

    public func makeAsyncIterator() -> AsyncStream<ChannelMessage>.Iterator { stream.makeAsyncIterator() }
}

import Synchronization

/// A subscription made with `Channels.attach`: its messages go to the sink it was given.
struct ChannelAttachment: Sendable {
    /// Ends it; no message reaches the sink afterwards and `ended` does not run.
    let cancel: @Sendable () -> Void
    /// Messages from the replay window handed to the sink before `attach` returned.
    let replayed: Int
    /// Whether `after:` named a message no longer in the replay window.
    let gap: Bool
}

/// Set once, by whoever ends the subscription first.
final class EndReason: Sendable {
    private let state = Mutex<ChannelEnd?>(nil)
    var value: ChannelEnd? { state.withLock { $0 } }
    /// Records `reason` unless one is recorded; answers whether it was this one.
    @discardableResult func set(_ reason: ChannelEnd) -> Bool {
        state.withLock { current in
            guard current == nil else { return false }
            current = reason
            return true
        }
    }
}
