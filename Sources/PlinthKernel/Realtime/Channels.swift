import Foundation
import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle
import SQLKit
import Synchronization

/// Realtime channels: plugins publish typed messages to named channels, and subscribers on
/// every instance receive them. Messages travel as PostgreSQL notifications (every instance on
/// the database) or in process on SQLite; one over NOTIFY's 8,000-byte limit travels through
/// `plinth_channel_payloads` and the notification carries its id.
///
/// Each plugin declares the channels it publishes to and who may subscribe
/// (``declare(_:policy:plugin:)``); ``authorize(_:request:context:)`` checks a subscriber.
/// Each subscriber has a bounded queue (`PLINTH_REALTIME_QUEUE`, default 256 messages) and is
/// ended with ``ChannelEnd/slowConsumer`` when it falls that far behind. The last
/// `PLINTH_REALTIME_REPLAY` messages of a channel (default 100, at most 5 minutes old) are kept
/// per instance, so a subscriber that reconnects with the id of the last message it saw
/// (SSE `Last-Event-ID`) misses nothing inside that window.
///
/// ```swift
/// try context.channels.declare("tenant:{tenant}:jobs", policy: .permission("jobs.read"), plugin: context.id)
/// try await context.channels.publish("job.updated", payload: .object(["id": .string(id)]), to: "tenant:\(tenant):jobs")
/// ```
///
/// Delivery is at most once: a message published while an instance's listener is down is not
/// delivered there.
public final class Channels: Sendable {
    static let notificationChannel = "realtime"
    /// Payloads above this go through the table (PostgreSQL's limit is 8000 bytes with the name).
    static let inlineLimit = 7000

    /// Settings: queue per subscriber, replay window.
    public struct Limits: Sendable {
        /// Messages a subscriber may fall behind before it is ended. Default 256.
        public var queue = 256
        /// Messages kept per channel for resuming. Default 100.
        public var replay = 100
        /// Oldest message kept for resuming, in seconds. Default 300.
        public var replayAge = 300.0
        /// Seconds between SSE heartbeat comments and WebSocket pings. Default 15.
        public var heartbeat = 15.0
        /// Seconds a `/ws` ticket stays usable. Default 30.
        public var ticketExpiry = 30.0
        public init() {}
    }

    let database: Database
    let logger: Logger
    let metrics: KernelMetrics
    let clock: any KernelClock
    public let limits: Limits
    /// This instance's id: a prefix of its message ids, and `/ws`'s `serverId`.
    let instance = String(UInt32.random(in: .min ... .max), radix: 16)
    private let sequence = Atomic<UInt64>(0)
    private let declarations = Mutex<[ChannelDeclaration]>([])
    private let state = Mutex(State())
    private let listener: DurableListener

    /// One subscriber: a queue of its own (``subscribe(_:after:)``) or a sink that queues for
    /// its consumer (``attach(_:after:sink:ended:)``).
    struct Subscriber: Sendable {
        /// Hands one message on without waiting.
        let offer: @Sendable (ChannelMessage) -> Offered
        /// Ends it; `ending` says why.
        let finish: @Sendable () -> Void
        let ending: EndReason
        let family: String
    }

    enum Offered { case taken, full, gone }

    struct State {
        var subscribers: [String: [UUID: Subscriber]] = [:]
        var replay: [String: [ChannelMessage]] = [:]
        /// When each channel's last subscriber left: its messages are kept for the replay
        /// window after that, so a client that reconnects finds them.
        var left: [String: Date] = [:]
        var closed = false
    }

    init(database: Database, logger: Logger, metrics: KernelMetrics, clock: any KernelClock, limits: Limits) {
        self.database = database
        self.logger = logger
        self.metrics = metrics
        self.clock = clock
        self.limits = limits
        listener = DurableListener(database: database, channel: Self.notificationChannel, name: "realtime channels", logger: logger)
    }

    // MARK: Declaring and authorizing

    /// Declares the channels matching `pattern` (see ``ChannelDeclaration``). Call in step 5.
    /// - Throws: ``KernelStartupError`` for a malformed pattern or one another plugin declared.
    public func declare(_ pattern: String, policy: RoutePolicy, plugin: String) throws {
        let declaration = try ChannelDeclaration(pattern: pattern, policy: policy, plugin: plugin)
        try declarations.withLock { list in
            if let taken = list.first(where: { $0.pattern == pattern }) {
                throw KernelStartupError("channel '\(pattern)' is declared by both plugin '\(taken.plugin)' and plugin '\(plugin)'", code: .provide, plugin: plugin)
            }
            list.append(declaration)
        }
    }

    /// Every declared channel family, for documentation and `/ws`'s error messages.
    public var declared: [ChannelDeclaration] { declarations.withLock { $0 } }

    /// The declaration `channel` belongs to, if any.
    public func declaration(of channel: String) -> ChannelDeclaration? {
        declarations.withLock { list in list.first { $0.match(channel) != nil } }
    }

    /// Checks that the caller of `request` may subscribe to `channel`.
    /// - Throws: ``Problem`` 404 for an undeclared channel, the policy's 401/403 otherwise.
    public func authorize(_ channel: String, request: Request, context: PlinthRequestContext) async throws {
        guard let declaration = declaration(of: channel), let values = declaration.match(channel) else {
            throw Problem(.notFound, type: "unknown-channel", detail: "no channel '\(channel)' is declared")
        }
        var scoped = context
        if let tenant = values["tenant"] {
            guard context.identity == nil || context.identity!.mayActIn(tenant) else {
                throw Problem(.forbidden, type: "tenant-mismatch", detail: "these credentials act only in their own tenant")
            }
            scoped.tenantID = tenant
        }
        _ = try await declaration.policy.check(request, scoped)
        // The policy judged the caller's role, and a role is granted in one tenant: the tenant the
        // caller acts in (its verified X-Tenant-ID; without an auth plugin, the header the gateway
        // vouched for). Only that tenant's channels are open to it.
        if let tenant = values["tenant"] {
            let actingIn = context.identity?.tenantID ?? (context.authenticating ? nil : context.tenantID)
            guard actingIn == tenant else {
                throw Problem(.forbidden, type: "tenant-mismatch", detail: "channel '\(channel)' belongs to tenant '\(tenant)': subscribe with X-Tenant-ID: \(tenant), a tenant you belong to")
            }
        }
    }

    // MARK: Publishing

    /// Publishes a message to `channel` on every instance. Inside a database transaction it is
    /// sent when the transaction commits (SQLite and PostgreSQL alike).
    /// - Throws: ``KernelStartupError``-free: a ``Problem`` 500 naming the channel when no
    ///   plugin declared it, or the database's error.
    @discardableResult
    public func publish(_ type: String, payload: JSONValue, to channel: String) async throws -> ChannelMessage {
        guard declaration(of: channel) != nil else {
            throw Problem(.internalServerError, detail: "publishing to channel '\(channel)', which no plugin declared")
        }
        let message = ChannelMessage(id: "\(instance)-\(sequence.add(1, ordering: .relaxed).newValue)", channel: channel, type: type, payload: payload, timestamp: clock.now)
        let text = String(decoding: try JSONEncoder.channels.encode(message), as: UTF8.self)
        if database.kind == .postgres, text.utf8.count > Self.inlineLimit {
            try await database.sql.raw("INSERT INTO plinth_channel_payloads (id, body, created_at) VALUES (\(bind: message.id), \(bind: text), \(bind: clock.now.timeIntervalSince1970))").run()
            try await database.notify(channel: Self.notificationChannel, payload: #"{"ref":"\#(message.id)"}"#)
        } else {
            try await database.notify(channel: Self.notificationChannel, payload: text)
        }
        return message
    }

    // MARK: Subscribing

    /// Messages of `channel` from now on; with `after`, first those the replay window holds
    /// after the message with that id. The caller checks ``authorize(_:request:context:)`` first.
    public func subscribe(_ channel: String, after lastID: String? = nil) -> ChannelSubscription {
        let family = declaration(of: channel)?.pattern ?? channel
        let (stream, continuation) = AsyncStream<ChannelMessage>.makeStream(bufferingPolicy: .bufferingOldest(limits.queue))
        let ending = EndReason()
        let id = UUID()
        let subscriber = Subscriber(offer: { message in
            switch continuation.yield(message) {
            case .enqueued: .taken
            case .dropped: .full
            default: .gone
            }
        }, finish: { continuation.finish() }, ending: ending, family: family)
        let (replayed, gap, closed) = register(subscriber, id: id, on: channel, after: lastID) { continuation.yield($0) }
        if closed {
            ending.set(.shutdown)
            continuation.finish()
        } else {
            subscriptions(family, by: 1)
        }
        continuation.onTermination = { [weak self] _ in
            ending.set(.closed)
            self?.detach(channel, id, family: family)
        }
        return ChannelSubscription(stream: stream, ending: ending, replayed: replayed, gap: gap)
    }

    /// ``subscribe(_:after:)`` without a queue of its own, for a consumer that has one (a
    /// socket's outbox): each message goes to `sink` on the delivering path, with no task in
    /// between. `sink` must not wait; it answers false when its queue is full, which ends the
    /// subscription as a slow consumer. `ended` runs once if it ends other than by `cancel()`:
    /// a slow consumer or shutdown. Replayed messages (`after`) reach `sink` before this returns.
    func attach(_ channel: String, after lastID: String? = nil, sink: @escaping @Sendable (ChannelMessage) -> Bool,
                ended: @escaping @Sendable (ChannelEnd) -> Void) -> ChannelAttachment {
        let family = declaration(of: channel)?.pattern ?? channel
        let ending = EndReason()
        let id = UUID()
        // A message already on its way when `cancel()` ran is not handed over.
        let subscriber = Subscriber(offer: { ending.value != nil ? .gone : sink($0) ? .taken : .full }, finish: { [weak self] in
            self?.detach(channel, id, family: family)
            if let end = ending.value, end != .closed { ended(end) }
        }, ending: ending, family: family)
        let (replayed, gap, closed) = register(subscriber, id: id, on: channel, after: lastID) { _ = sink($0) }
        if closed {
            ending.set(.shutdown)
            ended(.shutdown)
        } else {
            subscriptions(family, by: 1)
        }
        return ChannelAttachment(cancel: { [weak self] in
            if ending.set(.closed) { self?.detach(channel, id, family: family) }
        }, replayed: replayed, gap: gap)
    }

    /// Adds `subscriber` to `channel`, first handing `replay` what the replay window holds after
    /// `lastID`, under the same lock so that no message is missed or repeated in between.
    /// - Returns: how many were replayed, whether `lastID` was no longer there, and whether the
    ///   channels are closed (nothing was added).
    private func register(_ subscriber: Subscriber, id: UUID, on channel: String, after lastID: String?,
                          replay: (ChannelMessage) -> Void) -> (replayed: Int, gap: Bool, closed: Bool) {
        state.withLock { state in
            guard !state.closed else { return (0, false, true) }
            var replayed = 0, gap = false
            if let lastID {
                let kept = state.replay[channel] ?? []
                if let index = kept.firstIndex(where: { $0.id == lastID }) {
                    for message in kept[(index + 1)...] { replay(message); replayed += 1 }
                } else {
                    gap = true
                }
            }
            state.subscribers[channel, default: [:]][id] = subscriber
            return (replayed, gap, false)
        }
    }

    /// Removes a subscriber; the channel's messages are kept for the replay window once its
    /// last subscriber left.
    private func detach(_ channel: String, _ id: UUID, family: String) {
        let now = clock.now
        let removed = state.withLock { state -> Bool in
            let removed = state.subscribers[channel]?.removeValue(forKey: id) != nil
            if state.subscribers[channel]?.isEmpty == true {
                state.subscribers[channel] = nil
                state.left[channel] = now
            }
            return removed
        }
        if removed { subscriptions(family, by: -1) }
    }

    // MARK: Delivery

    /// Starts listening; once it returns, no message published afterwards is missed here.
    func start() async throws { try await listener.start() }

    /// Delivers until graceful shutdown (see ``DurableListener``), then ends every subscription
    /// with ``ChannelEnd/shutdown``.
    func deliver() async throws {
        defer { close() }
        await listener.run { await receive($0) }
    }

    private func receive(_ text: String) async {
        var body = text
        if text.hasPrefix(#"{"ref":"#), let ref = try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))["ref"] {
            do {
                guard let stored = try await database.sql.raw("SELECT body FROM plinth_channel_payloads WHERE id = \(bind: ref)").first()?.decode(column: "body", as: String.self) else {
                    logger.warning("realtime message \(ref) was announced but is not stored")
                    return
                }
                body = stored
            } catch {
                logger.error("realtime message \(ref) could not be read", metadata: ["error": "\(DatabaseError.describe(error))"])
                return
            }
        }
        guard let message = try? JSONDecoder.channels.decode(ChannelMessage.self, from: Data(body.utf8)) else {
            logger.warning("dropped a malformed realtime message")
            return
        }
        deliver(message)
    }

    /// Whether anyone on this instance subscribes to `channel`, or did within the replay window
    /// (and so may resume). A plugin with its own transport (the jobs plugin's compact
    /// notifications) builds messages only for watched channels.
    public func isWatched(_ channel: String) -> Bool {
        let cutoff = clock.now.addingTimeInterval(-limits.replayAge)
        return state.withLock { state in
            if state.subscribers[channel] != nil { return true }
            guard let left = state.left[channel] else { return false }
            if left < cutoff { state.left[channel] = nil; state.replay[channel] = nil; return false }
            return true
        }
    }

    /// Whether any channel on this instance is watched (see ``isWatched(_:)``).
    public var isWatchingAny: Bool { state.withLock { !$0.subscribers.isEmpty || !$0.left.isEmpty } }

    /// Hands a message that reached this instance by a plugin's own transport to this
    /// instance's subscribers, and keeps it for resuming. Its id must be the same on every
    /// instance, so that `Last-Event-ID` resumes behind a load balancer.
    public func deliverLocally(_ message: ChannelMessage) {
        deliver(message)
    }

    /// Fans `message` out to this instance's subscribers and keeps it for resuming.
    func deliver(_ message: ChannelMessage) {
        let oldest = clock.now.addingTimeInterval(-limits.replayAge)
        let replay = limits.replay
        let targets = state.withLock { state -> [Subscriber] in
            var kept = state.replay[message.channel] ?? []
            kept.append(message)
            let stale = max(kept.count - replay, kept.prefix { $0.timestamp < oldest }.count)
            if stale > 0 { kept.removeFirst(stale) }
            state.replay[message.channel] = kept
            return Array((state.subscribers[message.channel] ?? [:]).values)
        }
        guard let family = targets.first?.family else { return }
        var sent = 0, dropped = 0
        for target in targets {
            switch target.offer(message) {
            case .taken: sent += 1
            case .full:
                // Full queue: end this subscriber rather than hold memory or slow the others.
                dropped += 1
                if target.ending.set(.slowConsumer) {
                    logger.warning("realtime subscriber fell \(limits.queue) messages behind and was ended", metadata: ["channel": "\(message.channel)"])
                    target.finish()
                }
            case .gone: break
            }
        }
        if sent > 0 { count("messages_sent", family, by: sent) }
        if dropped > 0 { count("messages_dropped", family, by: dropped) }
    }

    /// Ends every subscription with ``ChannelEnd/shutdown``; later subscriptions end at once.
    func close() {
        let all = state.withLock { state -> [Subscriber] in
            state.closed = true
            return state.subscribers.values.flatMap(\.values)
        }
        for subscriber in all where subscriber.ending.set(.shutdown) {
            subscriber.finish()
        }
    }

    /// Removes stored large payloads older than the replay window, and expired `/ws` tickets.
    func purgeStoredPayloads() async throws {
        let now = clock.now.timeIntervalSince1970
        if database.kind == .postgres {
            try await database.sql.raw("DELETE FROM plinth_channel_payloads WHERE created_at < \(bind: now - max(60, limits.replayAge))").run()
        }
        try await database.sql.raw("DELETE FROM plinth_socket_tickets WHERE expires_at < \(bind: now)").run()
    }

    func count(_ name: String, _ family: String, by amount: Int) {
        let help = name == "messages_sent" ? "Realtime messages handed to subscribers, by channel family" : "Realtime messages not delivered because the subscriber fell behind, by channel family"
        metrics.registry.makeCounter(descriptor: .init(namespace: "plinth", subsystem: "realtime", metricName: name, unitName: "total", helpText: help), labels: [("channel", family)])
            .increment(by: Int64(amount))
    }

    private func subscriptions(_ family: String, by amount: Double) {
        metrics.registry.makeGauge(descriptor: .init(namespace: "plinth", subsystem: "realtime", metricName: "subscriptions", unitName: "count", helpText: "Open realtime subscriptions, by channel family"), labels: [("channel", family)])
            .increment(by: amount)
    }
}

/// Runs the channels' delivery loop inside the kernel's service group, and once a minute purges
/// stored large payloads (PostgreSQL) and expired `/ws` tickets.
struct ChannelsService: Service {
    let channels: Channels
    func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await channels.deliver() }
            group.addTask {
                while !Task.isShuttingDownGracefully && !Task.isCancelled {
                    try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(60)) }
                    try? await channels.purgeStoredPayloads()
                }
            }
            try await group.waitForAll()
        }
    }
}

// Between instances the time travels as the Date's own number, so that every instance sees
// exactly the message that was published; the `/ws` and SSE wire forms format it.
extension JSONEncoder {
    static var channels: JSONEncoder { JSONEncoder() }
}

extension JSONDecoder {
    static var channels: JSONDecoder { JSONDecoder() }
}
