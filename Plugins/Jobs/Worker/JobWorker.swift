import Foundation
import Logging
import PlinthKernel
import ServiceLifecycle
import Synchronization
import Tracing

/// Claims and runs jobs on this instance, from boot until shutdown.
///
/// - Wakes on a `jobs_wake` notification (sent when a job is enqueued, delivered on commit),
///   else polls every `busyPoll` while work keeps coming and every `idlePoll` when idle.
/// - Claims up to the free slots (`concurrency`) in one statement and runs each job in a task,
///   under the job's timeout and a span; a circuit breaker per job type stops claiming a type
///   whose handler keeps failing.
/// - Heartbeats renew the leases of running jobs every third of the lease and notice jobs
///   cancelled meanwhile; a rescuer gives jobs whose lease ran out (a crashed worker) back.
/// - On graceful shutdown it stops claiming and lets running jobs finish; jobs still running
///   when the kernel's shutdown deadline cancels it are given back without using an attempt.
///
/// The loops wait in real time; the kernel's clock only decides what is due and stamps rows,
/// so a test that moves an injected clock never races a loop that is about to sleep on it.
final class JobWorker: Service, Sendable {
    let queue: JobQueue
    let settings: JobsConfiguration
    let metrics: JobMetrics
    let bus: EventBus
    let id: String
    let wakeup = Wakeup()
    private let running = Mutex<[Int64: Task<Void, Never>]>([:])
    /// Jobs whose handler succeeded, recorded in one statement before the next claim.
    private let finished = Mutex<[(job: Job, started: Date)]>([])
    private let breakers = Mutex<[String: CircuitBreaker]>([:])
    private let stopping = Mutex(false)

    init(queue: JobQueue, settings: JobsConfiguration, metrics: JobMetrics, bus: EventBus) {
        self.queue = queue
        self.settings = settings
        self.metrics = metrics
        self.bus = bus
        self.id = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
    }

    var clock: any KernelClock { queue.clock }
    var store: JobStore { queue.store }
    var logger: Logger { queue.logger }

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await self.listenForWakeups() }
                group.addTask { await self.keepLeases() }
                group.addTask { await self.rescueLoop() }
                await self.claimLoop()
                // Drain: running jobs finish (or are given back when the deadline cancels us).
                for task in self.running.withLock({ Array($0.values) }) { await task.value }
                await self.publish(await self.flushCompletions().map { ($0, JobState.completed) })
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.stopping.withLock { $0 = true }
            self.wakeup.wake()
        }
    }

    var isStopping: Bool { stopping.withLock { $0 } || Task.isCancelled }

    // MARK: Claiming

    func claimLoop() async {
        var idle = false
        var coalesced = false
        while !isStopping {
            let running = self.running.withLock { $0.count }
            let free = settings.concurrency - running
            // With most slots busy, wait a moment for more jobs to finish, so that one claim and
            // one completion statement cover many jobs instead of one each.
            if running > 0, free < max(1, min(settings.batch, settings.concurrency) / 2), !coalesced {
                coalesced = true
                await sleep(seconds: Self.coalesceWindow)
                continue
            }
            coalesced = false
            let completed = await flushCompletions()
            var claimed: [Job] = []
            if free > 0 {
                do {
                    let types = await claimableTypes()
                    let now = clock.now
                    claimed = try await store.claim(types: types, limit: min(free, settings.batch), worker: id, now: now, leaseUntil: now.addingTimeInterval(settings.lease))
                } catch {
                    if isStopping { break }
                    logger.error("claiming jobs failed", metadata: ["error": "\(DatabaseError.describe(error))"])
                }
            }
            await publish(completed.map { ($0, JobState.completed) } + claimed.map { ($0, JobState.running) })
            for job in claimed { start(job) }
            guard free > 0 else {
                await sleep(seconds: settings.busyPoll)
                continue
            }
            idle = claimed.isEmpty && self.running.withLock { $0.isEmpty }
            // A full batch means more may be waiting: claim again at once while slots are free.
            if claimed.count == min(free, settings.batch), self.running.withLock({ $0.count }) < settings.concurrency { continue }
            await sleep(seconds: idle ? settings.idlePoll : settings.busyPoll)
        }
        await publish(await flushCompletions().map { ($0, JobState.completed) })
    }

    /// How long the loop waits for more jobs to finish when few slots are free: 2 ms.
    static let coalesceWindow = 0.002

    /// Waits for a wake-up or the timeout, whichever comes first.
    func sleep(seconds: Double) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.wakeup.wait() }
            group.addTask { try? await Task.sleep(for: .milliseconds(Int64(seconds * 1000))) }
            await group.next()
            group.cancelAll()
        }
    }

    func listenForWakeups() async throws {
        for try await _ in try await queue.database.listen(channel: JobEventHub.wakeChannel) {
            wakeup.wake()
        }
    }

    /// Registered types whose breaker lets calls through.
    func claimableTypes() async -> [String] {
        var types: [String] = []
        for type in queue.registeredTypes where await breaker(type).acceptsCalls { types.append(type) }
        return types
    }

    func breaker(_ type: String) -> CircuitBreaker {
        breakers.withLock { breakers in
            if let breaker = breakers[type] { return breaker }
            let breaker = CircuitBreaker(name: "jobs.\(type)", failureThreshold: settings.breakerThreshold, cooldown: .seconds(5), maximumCooldown: .seconds(300), clock: clock) { error in
                !(error is CancellationError)
            }
            breakers[type] = breaker
            return breaker
        }
    }

    // MARK: Running

    func start(_ job: Job) {
        // Registered under the lock the task's own removal takes, so a job that finishes at
        // once cannot be removed before it is added (which would hold its slot forever).
        running.withLock { running in
            running[job.id] = Task {
                await self.execute(job)
                self.running.withLock { _ = $0.removeValue(forKey: job.id) }
                self.wakeup.wake()
            }
        }
    }

    func execute(_ job: Job) async {
        guard let handler = queue.handler(for: job.type) else { return }
        var logger = self.logger
        logger[metadataKey: "job_id"] = "\(job.id)"
        logger[metadataKey: "job_type"] = .string(job.type)
        let context = JobContext(id: job.id, type: job.type, tenant: job.tenant, attempt: job.attempt, maxAttempts: job.maxAttempts, logger: logger, database: queue.database)
        let started = clock.now
        metrics.claimed(type: job.type, latency: max(0, started.timeIntervalSince(job.runAt)))
        do {
            try await withSpan("job \(job.type)", ofKind: .consumer) { span in
                span.attributes["plinth.job.id"] = Int(job.id)
                span.attributes["plinth.job.type"] = job.type
                span.attributes["plinth.job.attempt"] = job.attempt
                try await breaker(job.type).run {
                    try await withDeadline(seconds: handler.timeout) { try await handler.run(context, job.payload) }
                }
            }
            finished.withLock { $0.append((job, started)) }
        } catch is CircuitOpenError {
            await giveBack([job.id])
        } catch {
            if isStopping && (error is CancellationError || Task.isCancelled) {
                await giveBack([job.id])
                return
            }
            await failed(job, error: error, handler: handler, started: started)
        }
    }

    /// Records every finished job in one statement and one notification. A job cancelled
    /// meanwhile stays cancelled; if the write fails, the leases run out and the jobs run again
    /// (at least once, never lost).
    @discardableResult
    func flushCompletions() async -> [Job] {
        let batch = finished.withLock { batch in
            defer { batch.removeAll(keepingCapacity: true) }
            return batch
        }
        guard !batch.isEmpty else { return [] }
        do {
            let now = clock.now
            let held = try await store.complete(ids: batch.map(\.job.id), worker: id, now: now)
            let done = batch.filter { held.contains($0.job.id) }
            for item in done { metrics.finished(type: item.job.type, outcome: "completed", duration: now.timeIntervalSince(item.started)) }
            return done.map(\.job)
        } catch {
            logger.error("recording completed jobs failed; their leases will expire and they will run again", metadata: ["count": "\(batch.count)", "error": "\(DatabaseError.describe(error))"])
            return []
        }
    }

    /// Publishes status changes of many jobs in as few notifications as fit.
    func publish(_ changes: [(Job, JobState)]) async {
        guard !changes.isEmpty else { return }
        let now = clock.now
        do {
            try await queue.events.publish(changes.map { job, state in JobEvent(id: job.id, type: job.type, state: state, attempt: job.attempt, tenant: job.tenant, error: nil, at: now) })
        } catch {
            logger.debug("could not publish job events", metadata: ["error": "\(error)"])
        }
    }

    func failed(_ job: Job, error: any Error, handler: JobHandler, started: Date) async {
        let message: String
        switch error {
        case is DeadlineExceeded: message = "timed out after \(handler.timeout) s"
        case is CancellationError: message = "cancelled"
        default: message = DatabaseError.describe(error)
        }
        let now = clock.now
        let retryAt = job.attempt < job.maxAttempts ? now.addingTimeInterval(settings.backoff.delay(afterAttempt: job.attempt)) : nil
        do {
            guard let state = try await store.fail(id: job.id, worker: id, error: message, retryAt: retryAt, now: now) else { return }
            metrics.finished(type: job.type, outcome: state == .dead ? "dead" : "retried", duration: now.timeIntervalSince(started))
            await publish(job, state, error: message)
            if state == .dead {
                logger.error("job dead-lettered after \(job.attempt) attempts", metadata: ["job_id": "\(job.id)", "job_type": "\(job.type)", "error": "\(message)"])
                try? await bus.publish(JobDeadLettered(id: job.id, type: job.type, tenant: job.tenant, attempts: job.attempt, error: message), source: "jobs")
            } else {
                logger.warning("job failed; will retry", metadata: ["job_id": "\(job.id)", "job_type": "\(job.type)", "attempt": "\(job.attempt)", "error": "\(message)"])
            }
        } catch {
            logger.error("recording a job failure failed; the lease will expire and the job be rescued", metadata: ["job_id": "\(job.id)", "error": "\(DatabaseError.describe(error))"])
        }
    }

    /// Gives jobs back without using an attempt, from a task the shutdown cannot cancel.
    func giveBack(_ ids: [Int64]) async {
        let store = self.store, worker = self.id
        await Task.detached { try? await store.release(ids: ids, worker: worker) }.value
    }

    func publish(_ job: Job, _ state: JobState, error: String?) async {
        do {
            try await queue.events.publish(JobEvent(id: job.id, type: job.type, state: state, attempt: job.attempt, tenant: job.tenant, error: error, at: clock.now))
        } catch {
            logger.debug("could not publish a job event", metadata: ["error": "\(error)"])
        }
    }

    // MARK: Leases

    /// Renews leases; a job no longer held (cancelled through the API) is stopped.
    func keepLeases() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(Int64(settings.lease / 3 * 1000)))
            let ids = running.withLock { Array($0.keys) }
            guard !ids.isEmpty, !Task.isCancelled else { continue }
            do {
                let held = try await store.heartbeat(ids: ids, worker: id, leaseUntil: clock.now.addingTimeInterval(settings.lease))
                for lost in Set(ids).subtracting(held) {
                    running.withLock { $0[lost] }?.cancel()
                }
            } catch {
                logger.warning("renewing job leases failed", metadata: ["error": "\(DatabaseError.describe(error))"])
            }
        }
    }

    /// Gives back the jobs of workers that stopped heartbeating, and records the queue depth.
    func rescueLoop() async {
        while !Task.isCancelled {
            do {
                for job in try await store.rescue(now: clock.now) {
                    logger.warning("rescued a job whose worker stopped responding", metadata: ["job_id": "\(job.id)", "job_type": "\(job.type)", "state": "\(job.state.rawValue)"])
                    await publish(job, job.state, error: job.lastError)
                    if job.state == .available { try await queue.database.notify(channel: JobEventHub.wakeChannel, payload: job.type) }
                }
                metrics.depth(try await store.stats())
            } catch {
                if Task.isCancelled { break }
                logger.warning("rescuing jobs failed", metadata: ["error": "\(DatabaseError.describe(error))"])
            }
            try? await Task.sleep(for: .milliseconds(Int64(settings.lease / 2 * 1000)))
        }
    }
}

/// Published on the kernel's event bus when a job runs out of attempts, so that other plugins
/// can alert someone.
public struct JobDeadLettered: KernelEvent {
    public static let name = "jobs.dead_lettered"
    public var id: Int64
    public var type: String
    public var tenant: String?
    public var attempts: Int
    public var error: String
}
