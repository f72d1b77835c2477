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
/// - Claims up to the free slots (`concurrency`) in one statement and runs each job in a task
///   under a span; one watchdog fails jobs that overrun their type's timeout; a circuit breaker
///   per job type stops claiming a type whose handler keeps failing.
/// - Status changes go to an outbox that one publisher drains in order every 10 ms, so the
///   claim loop never waits for a notification to be sent and one carries many changes.
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
    private let running = Mutex<[Int64: (run: JobRun, task: Task<Void, Never>)]>([:])
    /// Jobs whose handler succeeded, recorded in one statement before the next claim.
    private let finished = Mutex<[JobRun]>([])
    /// Woken when a job starts, so the idle watchdog begins watching.
    private let watchdogWakeup = Wakeup()
    private let outbox = Mutex<(events: [JobEvent], closed: Bool)>(([], false))
    private let outboxWakeup = Wakeup()
    private let breakers = Mutex<[String: CircuitBreaker]>([:])
    private let stopping = Mutex(false)
    /// True while the claim loop waits for more slots to free up; a freed slot wakes it only
    /// once there are enough of them.
    private let coalescing = Atomic<Bool>(false)

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
            async let publishing: Void = publishLoop()
            do {
                try await withThrowingDiscardingTaskGroup { group in
                    group.addTask { try await self.listenForWakeups() }
                    group.addTask { await self.keepLeases() }
                    group.addTask { await self.rescueLoop() }
                    group.addTask { await self.enforceTimeouts() }
                    await self.claimLoop()
                    await self.drain()
                    self.post(await self.flushCompletions(), .completed)
                    group.cancelAll()
                }
            } catch {
                closeOutbox()
                await publishing
                throw error
            }
            closeOutbox()
            await publishing
        } onGracefulShutdown: {
            self.stopping.withLock { $0 = true }
            self.wakeup.wake()
        }
    }

    /// Waits until every running job has settled. Running jobs finish; if the kernel's shutdown
    /// deadline cancels us first, they are cancelled and given back.
    func drain() async {
        await withTaskCancellationHandler {
            while !running.withLock({ $0.isEmpty }) {
                if Task.isCancelled {
                    // Handlers that ignore cancellation are not waited for.
                    for entry in running.withLock({ Array($0.values) }) where entry.run.settle() {
                        await giveBack([entry.run.job.id])
                        release(entry.run)
                    }
                    return
                }
                await sleep(seconds: 0.1)
            }
        } onCancel: {
            for entry in running.withLock({ Array($0.values) }) { entry.task.cancel() }
        }
    }

    var isStopping: Bool { stopping.withLock { $0 } || Task.isCancelled }

    // MARK: Claiming

    func claimLoop() async {
        var coalesced = false
        while !isStopping {
            let running = self.running.withLock { $0.count }
            let free = settings.concurrency - running
            // With most slots busy, wait a moment for more jobs to finish, so that one statement
            // records and claims many jobs instead of one each.
            if running > 0, free < coalesceThreshold, !coalesced {
                coalesced = true
                coalescing.store(true, ordering: .relaxed)
                // Earlier wake-ups (slots freed before we got here) are not what we wait for;
                // the claim right after the window picks up whatever they announced.
                wakeup.clear()
                // Jobs that finish at once (the tasks just started, queued ahead of us) need no
                // timer: a yield lets them run. Only slower ones get the window.
                await Task.yield()
                if settings.concurrency - self.running.withLock({ $0.count }) < coalesceThreshold {
                    await sleep(seconds: Self.coalesceWindow)
                }
                coalescing.store(false, ordering: .relaxed)
                continue
            }
            coalesced = false
            let limit = min(free, settings.batch)
            let types = limit > 0 ? await claimableTypes() : []
            let done = finished.withLock { batch in
                defer { batch.removeAll(keepingCapacity: true) }
                return batch
            }
            var claimed: [ClaimedJob] = []
            if !done.isEmpty || !types.isEmpty {
                do {
                    let now = clock.now
                    let result = try await store.completeAndClaim(done: done.map(\.job.id), types: types, limit: limit, worker: id, now: now, leaseUntil: now.addingTimeInterval(settings.lease))
                    post(completed(done, held: result.completed, at: now), .completed)
                    claimed = result.claimed
                } catch {
                    // Nothing was written: the completions go with the next statement.
                    finished.withLock { $0.insert(contentsOf: done, at: 0) }
                    if isStopping { break }
                    logger.error("claiming jobs failed", metadata: ["error": "\(DatabaseError.describe(error))"])
                }
            }
            post(claimed, .running)
            for job in claimed { start(job) }
            guard free > 0 else {
                await sleep(seconds: settings.busyPoll)
                continue
            }
            let idle = claimed.isEmpty && self.running.withLock { $0.isEmpty }
            // A full batch means more may be waiting: claim again at once while slots are free.
            if claimed.count == limit, self.running.withLock({ $0.count }) < settings.concurrency { continue }
            await sleep(seconds: idle ? settings.idlePoll : settings.busyPoll)
        }
        post(await flushCompletions(), .completed)
    }

    /// Free slots worth one statement while others run: a whole batch (or every slot). The
    /// window bounds the wait when jobs are slow.
    var coalesceThreshold: Int { max(1, min(settings.batch, settings.concurrency)) }

    /// How long the loop waits for more jobs to finish when few slots are free: 2 ms.
    static let coalesceWindow = 0.002

    /// Waits for a wake-up or the timeout, whichever comes first.
    func sleep(seconds: Double) async {
        await wakeup.wait(timeout: .milliseconds(Int64(seconds * 1000)))
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

    func start(_ job: ClaimedJob) {
        // Without a handler (unregistered since the claim) the lease runs out and it is rescued.
        guard let handler = queue.handler(for: job.type) else { return }
        let run = JobRun(job: job, handler: handler, started: clock.now)
        // Registered under the lock the task's own removal takes, so a job that finishes at
        // once cannot be removed before it is added (which would hold its slot forever).
        let first = running.withLock { running in
            running[job.id] = (run, Task { await self.execute(run) })
            return running.count == 1
        }
        if first { watchdogWakeup.wake() }
    }

    func execute(_ run: JobRun) async {
        let job = run.job
        var logger = self.logger
        logger[metadataKey: "job_id"] = "\(job.id)"
        logger[metadataKey: "job_type"] = .string(job.type)
        let context = JobContext(id: job.id, type: job.type, tenant: job.tenant, attempt: job.attempt, maxAttempts: job.maxAttempts, logger: logger, database: queue.database)
        metrics.claimed(type: job.type, latency: max(0, run.started.timeIntervalSince(job.runAt)))
        let breaker = self.breaker(job.type)
        do {
            if !breaker.isQuiet { try await breaker.enter() }
        } catch {
            // A half-open breaker lets one probe through; the rest of the batch goes back.
            if run.settle() {
                await giveBack([job.id])
                release(run)
            }
            return
        }
        var failure: (any Error)?
        do {
            try await withSpan("job \(job.type)", ofKind: .consumer) { span in
                span.attributes["plinth.job.id"] = Int(job.id)
                span.attributes["plinth.job.type"] = job.type
                span.attributes["plinth.job.attempt"] = job.attempt
                try await run.handler.run(context, job.payload)
            }
        } catch {
            failure = error
        }
        // Lost to the watchdog: the timeout is already recorded.
        guard run.settle() else { return }
        if failure != nil || !breaker.isQuiet { await breaker.record(failure) }
        if let failure {
            if isStopping && (failure is CancellationError || Task.isCancelled) {
                await giveBack([job.id])
            } else {
                await failed(run, error: failure)
            }
        } else {
            finished.withLock { $0.append(run) }
        }
        release(run)
    }

    /// Frees the job's slot.
    func release(_ run: JobRun) {
        let free = running.withLock { running in
            running.removeValue(forKey: run.job.id)
            return settings.concurrency - running.count
        }
        if !coalescing.load(ordering: .relaxed) || free >= coalesceThreshold { wakeup.wake() }
    }

    /// Fails jobs that overran their type's timeout. Their handlers are cancelled and left to
    /// finish on their own; the slot is free at once, as the timeout promises.
    func enforceTimeouts() async {
        while !Task.isCancelled {
            let now = ContinuousClock.now
            let entries = running.withLock { Array($0.values) }
            for entry in entries where entry.run.deadline <= now && entry.run.settle() {
                entry.task.cancel()
                let error = DeadlineExceeded(seconds: entry.run.handler.timeout)
                await breaker(entry.run.job.type).record(error)
                await failed(entry.run, error: error)
                release(entry.run)
            }
            if entries.isEmpty {
                await watchdogWakeup.wait()
            } else {
                try? await Task.sleep(for: Self.watchdogTick)
            }
        }
    }

    /// How often the watchdog looks for overdue jobs while any run: 50 ms.
    static let watchdogTick = Duration.milliseconds(50)

    /// Records every finished job in one statement (at shutdown; while claiming, completions
    /// ride with the claim). If the write fails, the leases run out and the jobs run again.
    func flushCompletions() async -> [ClaimedJob] {
        let batch = finished.withLock { batch in
            defer { batch.removeAll(keepingCapacity: true) }
            return batch
        }
        guard !batch.isEmpty else { return [] }
        do {
            let now = clock.now
            return completed(batch, held: try await store.complete(ids: batch.map(\.job.id), worker: id, now: now), at: now)
        } catch {
            logger.error("recording completed jobs failed; their leases will expire and they will run again", metadata: ["count": "\(batch.count)", "error": "\(DatabaseError.describe(error))"])
            return []
        }
    }

    /// The runs recorded as completed (a job cancelled meanwhile stays cancelled), counted.
    func completed(_ runs: [JobRun], held: Set<Int64>, at now: Date) -> [ClaimedJob] {
        var jobs: [ClaimedJob] = []
        for run in runs where held.contains(run.job.id) {
            metrics.finished(type: run.job.type, outcome: "completed", duration: now.timeIntervalSince(run.started))
            jobs.append(run.job)
        }
        return jobs
    }

    // MARK: Status events

    /// Queues status changes for the publisher.
    func post(_ jobs: [some JobIdentity], _ state: JobState, error: String? = nil) {
        guard queue.events.enabled, !jobs.isEmpty else { return }
        let now = clock.now
        outbox.withLock { outbox in
            for job in jobs { outbox.events.append(JobEvent(id: job.id, type: job.type, state: state, attempt: job.attempt, tenant: job.tenant, error: error, at: now)) }
        }
        outboxWakeup.wake()
    }

    /// Sends queued events in order, as few notifications as fit, until the outbox is closed
    /// and empty.
    func publishLoop() async {
        while true {
            await outboxWakeup.wait()
            // Let a busy worker's events gather: one notification for many batches.
            if !outbox.withLock({ $0.closed }) { try? await Task.sleep(for: Self.publishInterval) }
            let (events, closed) = outbox.withLock { outbox in
                defer { outbox.events.removeAll(keepingCapacity: true) }
                return (outbox.events, outbox.closed)
            }
            if !events.isEmpty {
                do {
                    try await queue.events.publish(events)
                } catch {
                    logger.debug("could not publish job events", metadata: ["error": "\(error)"])
                }
            }
            if closed || Task.isCancelled, outbox.withLock({ $0.events.isEmpty }) { return }
        }
    }

    /// How long the publisher gathers events before sending them: 10 ms.
    static let publishInterval = Duration.milliseconds(10)

    func closeOutbox() {
        outbox.withLock { $0.closed = true }
        outboxWakeup.wake()
    }

    func failed(_ run: JobRun, error: any Error) async {
        let job = run.job
        let message: String
        switch error {
        case is DeadlineExceeded: message = "timed out after \(run.handler.timeout) s"
        case is CancellationError: message = "cancelled"
        default: message = DatabaseError.describe(error)
        }
        let now = clock.now
        let retryAt = job.attempt < job.maxAttempts ? now.addingTimeInterval(settings.backoff.delay(afterAttempt: job.attempt)) : nil
        do {
            guard let state = try await store.fail(id: job.id, worker: id, error: message, retryAt: retryAt, now: now) else { return }
            metrics.finished(type: job.type, outcome: state == .dead ? "dead" : "retried", duration: now.timeIntervalSince(run.started))
            post([job], state, error: message)
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
                    running.withLock { $0[lost] }?.task.cancel()
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
                    post([job], job.state, error: job.lastError)
                    if job.state == .available { try await queue.database.notify(channel: JobEventHub.wakeChannel, payload: job.type) }
                }
                metrics.depth(try await store.stats(tenant: nil))
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
