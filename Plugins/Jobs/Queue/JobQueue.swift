import Foundation
import Logging
import PlinthKernel
import SQLKit
import Synchronization

/// The durable job queue every plugin shares; the jobs plugin provides it as a service.
///
/// ```swift
/// struct SendWelcome: Codable, Sendable { var userID: String }
///
/// let jobs = try context.require(JobQueue.self)
/// jobs.register("mail.welcome", as: SendWelcome.self) { job, payload in
///     try await mailer.sendWelcome(to: payload.userID)
/// }
/// // Inside a request's transaction: if it rolls back, the job never runs.
/// try await context.database.transaction { _ in
///     try await createUser(...)
///     try await jobs.enqueue("mail.welcome", payload: SendWelcome(userID: id))
/// }
/// ```
public final class JobQueue: Sendable {
    let store: JobStore
    let database: Database
    let clock: any KernelClock
    let settings: JobsConfiguration
    let events: JobEventHub
    let logger: Logger
    private let handlers = Mutex<[String: JobHandler]>([:])

    init(database: Database, clock: any KernelClock, settings: JobsConfiguration, events: JobEventHub, logger: Logger) {
        self.store = JobStore(database: database)
        self.database = database
        self.clock = clock
        self.settings = settings
        self.events = events
        self.logger = logger
    }

    /// Registers the handler of `type`. Register before the kernel boots (in `provide` or
    /// `boot`); workers claim only types that have a handler.
    /// - Parameters:
    ///   - timeout: seconds one attempt may run before it fails; default `PLINTH_JOBS_TIMEOUT` (300).
    public func register<Payload: Decodable & Sendable>(_ type: String, as payload: Payload.Type, timeout: Double? = nil, _ handler: @escaping @Sendable (JobContext, Payload) async throws -> Void) {
        let decoder = JSONDecoder()
        register(type, timeout: timeout) { context, text in
            try await handler(context, try decoder.decode(Payload.self, from: Data(text.utf8)))
        }
    }

    /// Registers a handler that takes the payload as JSON text, as it was enqueued, for handlers
    /// that pass it on or ignore it. Same rules as ``register(_:as:timeout:_:)``.
    public func register(_ type: String, timeout: Double? = nil, json handler: @escaping @Sendable (JobContext, String) async throws -> Void) {
        let entry = JobHandler(timeout: timeout ?? settings.timeout, run: handler)
        handlers.withLock { $0[type] = entry }
    }

    /// The types that have a handler.
    public var registeredTypes: [String] { handlers.withLock { Array($0.keys).sorted() } }

    func handler(for type: String) -> JobHandler? { handlers.withLock { $0[type] } }

    /// Adds a job. Joins the caller's transaction when there is one, so a rolled-back enqueue
    /// never runs; workers on every instance are woken when it commits.
    /// - Throws: ``JobQueueError/unknownType(_:)`` when `requireHandler` and no handler is
    ///   registered on this instance.
    @discardableResult
    public func enqueue(_ type: String, payload: some Encodable & Sendable, options: EnqueueOptions = .init(), requireHandler: Bool = false) async throws -> Enqueued {
        if requireHandler, handler(for: type) == nil { throw JobQueueError.unknownType(type) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(payload), as: UTF8.self)
        return try await enqueue(type, json: text, options: options)
    }

    /// Adds a job whose payload is already JSON text.
    @discardableResult
    public func enqueue(_ type: String, json: String, options: EnqueueOptions = .init()) async throws -> Enqueued {
        let now = clock.now
        let maxAttempts = options.maxAttempts ?? settings.maxAttempts
        // Row and notifications commit together: no worker can see the job (and announce it
        // `running`) before `available` is on its way. Inside a caller's transaction, both wait
        // for its commit.
        let result = try await database.transaction { _ in
            let result = try await store.insert(type: type, payload: json, options: options, maxAttempts: maxAttempts, now: now)
            if result.inserted {
                try await events.publish(JobEvent(id: result.id, type: type, state: .available, attempt: 0, tenant: options.tenant, error: nil, at: now))
                try await database.notify(channel: JobEventHub.wakeChannel, payload: type)
            }
            return result
        }
        return Enqueued(id: result.id, duplicate: !result.inserted)
    }

    public func job(_ id: Int64) async throws -> Job? { try await store.get(id) }

    /// Newest first; `before` is the id to continue after.
    public func jobs(state: JobState? = nil, type: String? = nil, tenant: String? = nil, before: Int64? = nil, limit: Int = 50) async throws -> [Job] {
        try await store.list(state: state, type: type, tenant: tenant, beforeID: before, limit: limit)
    }

    /// Cancels a waiting job, or a running one (its worker stops it at the next heartbeat).
    public func cancel(_ id: Int64) async throws -> Job {
        let job = try await store.cancel(id, now: clock.now)
        try await events.publish(JobEvent(id: job.id, type: job.type, state: .cancelled, attempt: job.attempt, tenant: job.tenant, error: nil, at: clock.now))
        return job
    }

    /// Runs a dead or cancelled job again, with a fresh set of attempts.
    public func retry(_ id: Int64) async throws -> Job {
        let job = try await store.retry(id, now: clock.now)
        try await events.publish(JobEvent(id: job.id, type: job.type, state: .available, attempt: 0, tenant: job.tenant, error: nil, at: clock.now))
        try await database.notify(channel: JobEventHub.wakeChannel, payload: job.type)
        return job
    }

    /// Count of jobs by type and state.
    public func statistics(tenant: String? = nil) async throws -> [String: [String: Int]] {
        var result: [String: [String: Int]] = [:]
        for row in try await store.stats(tenant: tenant) { result[row.type, default: [:]][row.state] = row.count }
        return result
    }

    /// Status changes as they happen, on this instance and (on PostgreSQL) every other one.
    public func subscribe() -> AsyncStream<JobEvent> { events.subscribe() }
}

/// What a handler knows about the job it runs.
public struct JobContext: Sendable {
    public let id: Int64
    public let type: String
    /// The tenant the job acts for.
    public let tenant: String?
    /// 1 on the first run.
    public let attempt: Int
    public let maxAttempts: Int
    public let logger: Logger
    let database: Database

    /// A transaction scoped to the job's tenant (`app.current_tenant` on PostgreSQL, for row
    /// level security), or a plain one for a job without a tenant.
    public func transaction<T>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        if let tenant { return try await database.tenantTransaction(tenant: tenant, body) }
        return try await database.transaction(body)
    }
}

struct JobHandler: Sendable {
    let timeout: Double
    let run: @Sendable (JobContext, String) async throws -> Void
}
