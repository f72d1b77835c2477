import PlinthKernel

/// The jobs plugin's settings, in its section `PLINTH_JOBS_*`. Defaults follow the first seed:
/// concurrency 5, polling 1 s when busy and 10 s when idle, backoff 1 s × 2ⁿ capped at 10 min.
public struct JobsConfiguration: Sendable {
    /// `PLINTH_JOBS_WORKER`: run a worker on this instance. Default true; false for API-only instances.
    public var worker = true
    /// `PLINTH_JOBS_CONCURRENCY`: jobs run at once by this instance. Default 5.
    public var concurrency = 5
    /// `PLINTH_JOBS_POLL_INTERVAL`: seconds between claims while jobs keep coming. Default 1.
    public var busyPoll = 1.0
    /// `PLINTH_JOBS_IDLE_POLL_INTERVAL`: seconds between claims on an idle queue (notifications
    /// wake workers sooner). Default 10.
    public var idlePoll = 10.0
    /// `PLINTH_JOBS_MAX_ATTEMPTS`: attempts before a job is dead-lettered. Default 5.
    public var maxAttempts = 5
    /// `PLINTH_JOBS_TIMEOUT`: seconds one attempt may run. Default 300.
    public var timeout = 300.0
    /// `PLINTH_JOBS_LEASE`: seconds a claim holds a job without a heartbeat; a dead worker's jobs
    /// are rescued after it. Default 60; heartbeats renew it every third of that.
    public var lease = 60.0
    /// `PLINTH_JOBS_BACKOFF_BASE`, `PLINTH_JOBS_BACKOFF_CAP` in seconds. Default 1 and 600.
    public var backoffBase = 1.0
    public var backoffCap = 600.0
    /// `PLINTH_JOBS_BREAKER_THRESHOLD`: consecutive failures of one job type that stop this
    /// instance claiming that type for a cooldown. Default 5.
    public var breakerThreshold = 5
    /// `PLINTH_JOBS_BATCH`: jobs claimed per query, at most the free slots. Default 10.
    public var batch = 10
    /// `PLINTH_JOBS_EVENTS`: publish status changes (the SSE stream). Default true.
    public var events = true
    /// `PLINTH_JOBS_MAX_PAYLOAD`: largest payload `POST /api/jobs` accepts, as JSON bytes.
    /// Default 64 KiB; larger data belongs in storage, with its key in the payload.
    public var maxPayload = 64 << 10
    /// `PLINTH_JOBS_MAX_PRIORITY`: `POST /api/jobs` takes priorities from minus this to this, so
    /// that one tenant cannot put its jobs ahead of every other's. Default 100.
    public var maxPriority = 100

    public static func load(_ config: PluginConfig) throws -> JobsConfiguration {
        var c = JobsConfiguration()
        c.worker = try config.bool("WORKER", default: c.worker)
        c.concurrency = try config.int("CONCURRENCY", default: c.concurrency, range: 1...1000)
        c.busyPoll = try config.seconds("POLL_INTERVAL", default: c.busyPoll, minimum: 0.001)
        c.idlePoll = try config.seconds("IDLE_POLL_INTERVAL", default: c.idlePoll, minimum: c.busyPoll)
        c.maxAttempts = try config.int("MAX_ATTEMPTS", default: c.maxAttempts, range: 1...100)
        c.timeout = try config.seconds("TIMEOUT", default: c.timeout, minimum: 0.001)
        c.lease = try config.seconds("LEASE", default: c.lease, minimum: 0.03)
        c.backoffBase = try config.seconds("BACKOFF_BASE", default: c.backoffBase, minimum: 0)
        c.backoffCap = try config.seconds("BACKOFF_CAP", default: c.backoffCap, minimum: c.backoffBase)
        c.breakerThreshold = try config.int("BREAKER_THRESHOLD", default: c.breakerThreshold, range: 1...10_000)
        c.batch = try config.int("BATCH", default: c.batch, range: 1...1000)
        c.events = try config.bool("EVENTS", default: c.events)
        c.maxPayload = try config.environment.bytes(config.key("MAX_PAYLOAD"), default: c.maxPayload)
        guard (2...(64 << 20)).contains(c.maxPayload) else {
            throw ConfigurationError(key: config.key("MAX_PAYLOAD"), reason: "must be between 2 bytes and 64 MiB, not \(c.maxPayload)")
        }
        c.maxPriority = try config.int("MAX_PRIORITY", default: c.maxPriority, range: 0...1_000_000)
        return c
    }

    /// Retry delays: exponential with full jitter, as ``RetryPolicy`` computes them.
    var backoff: RetryPolicy { RetryPolicy(base: backoffBase, factor: 2, cap: backoffCap, jitter: 1, maxAttempts: maxAttempts) }
}
