import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Typed publish/subscribe between plugins, in-process and across instances.
///
/// Publishing sends the envelope through ``Database/notify(channel:payload:)``: on PostgreSQL
/// every instance listening on the database receives it (inside a transaction, on commit); on
/// SQLite subscribers in this process receive it at once. Every instance, the publishing one
/// included, delivers events through the same listener, so delivery looks the same everywhere.
///
/// ```swift
/// for await paid in context.events.subscribe(InvoicePaid.self) { ... }
/// context.events.on(InvoicePaid.self, plugin: context.id) { paid in ... }
/// ```
public final class EventBus: Sendable {
    static let channel = "plinth_events"
    let database: Database
    let logger: Logger
    /// Identifies this kernel instance in envelopes.
    public let instanceID: String
    private let subscribers = Mutex<[UUID: (name: String?, continuation: AsyncStream<EventEnvelope>.Continuation)]>([:])
    private let handlers = Mutex<[(name: String, plugin: String, handle: @Sendable (EventEnvelope) async throws -> Void)]>([])
    private let listener: DurableListener
    /// The instance's caches, invalidated through this bus; see ``SharedCaches``.
    public let caches: SharedCaches

    init(database: Database, logger: Logger, clock: any KernelClock = SystemClock(), instanceID: String = UUID().uuidString) {
        self.database = database
        self.logger = logger
        self.instanceID = instanceID
        let listener = DurableListener(database: database, channel: Self.channel, name: "event bus", logger: logger)
        self.listener = listener
        caches = SharedCaches(database: database, clock: clock, logger: logger, instanceID: instanceID, channel: Self.channel, connected: { listener.isConnected })
        let caches = caches
        listener.reconnected.withLock { $0 = { caches.reconnected() } }
    }

    /// Publishes `event` from plugin `source`.
    /// - Throws: when the payload is over PostgreSQL's 8000-byte NOTIFY limit or the database fails.
    public func publish<E: KernelEvent>(_ event: E, source: String) async throws {
        try await publish(name: E.name, payload: String(decoding: try JSONEncoder().encode(event), as: UTF8.self), source: source)
    }

    /// Publishes an event given by name and JSON payload, for plugins that have no Swift type
    /// for it (shared objects).
    public func publish(name: String, payload: String, source: String) async throws {
        let envelope = EventEnvelope(id: UUID().uuidString, name: name, source: source, origin: instanceID, time: Date().iso8601, payload: payload)
        let text = String(decoding: try JSONEncoder().encode(envelope), as: UTF8.self)
        guard text.utf8.count < 8000 else {
            throw DatabaseError(message: "event \(name) from '\(source)' is \(text.utf8.count) bytes; events must stay under 8000 bytes: publish an id and let subscribers load the rest")
        }
        try await database.notify(channel: Self.channel, payload: text)
    }

    /// Events of type `E` from now on, until the consuming task is cancelled.
    public func subscribe<E: KernelEvent>(_ type: E.Type) -> AsyncStream<E> {
        let envelopes = subscribe(name: E.name)
        return AsyncStream { continuation in
            let task = Task {
                for await envelope in envelopes { if let event = envelope.decode(E.self) { continuation.yield(event) } }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Envelopes named `name` (every event when `nil`) from now on.
    public func subscribe(name: String?) -> AsyncStream<EventEnvelope> {
        let (stream, continuation) = AsyncStream<EventEnvelope>.makeStream()
        let id = UUID()
        subscribers.withLock { $0[id] = (name, continuation) }
        continuation.onTermination = { [weak self] _ in self?.subscribers.withLock { _ = $0.removeValue(forKey: id) } }
        return stream
    }

    /// Calls `handler` for each `E`, in arrival order, on the bus's delivery task. A handler that
    /// throws is logged with the plugin's id; delivery goes on.
    public func on<E: KernelEvent>(_ type: E.Type, plugin: String, _ handler: @escaping @Sendable (E) async throws -> Void) {
        handlers.withLock { $0.append((E.name, plugin, { envelope in if let event = envelope.decode(E.self) { try await handler(event) } })) }
    }

    /// Starts listening; called by the kernel before plugins boot.
    func start() async throws { try await listener.start() }

    /// Delivers what arrives until graceful shutdown (see ``DurableListener``): at most once.
    func deliver() async throws { await listener.run { await dispatch($0) } }

    private func dispatch(_ text: String) async {
        guard let envelope = try? JSONDecoder().decode(EventEnvelope.self, from: Data(text.utf8)) else {
            logger.warning("dropped a malformed event envelope")
            return
        }
        if envelope.name == SharedCaches.eventName, envelope.source == "kernel" {
            caches.received(envelope)
            return
        }
        let targets = subscribers.withLock { $0.values.filter { $0.name == nil || $0.name == envelope.name }.map(\.continuation) }
        for target in targets { target.yield(envelope) }
        let matching = handlers.withLock { $0.filter { $0.name == envelope.name } }
        for handler in matching {
            do { try await handler.handle(envelope) } catch {
                logger.error("event handler failed", metadata: ["plugin": "\(handler.plugin)", "event": "\(envelope.name)", "error": "\(DatabaseError.describe(error))"])
            }
        }
    }
}

/// Runs the bus's delivery loop inside the kernel's service group.
struct EventBusService: Service {
    let bus: EventBus
    func run() async throws { try await bus.deliver() }
}
