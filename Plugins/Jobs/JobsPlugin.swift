import Foundation
import PlinthKernel

/// Background work for every plugin: a durable queue in the database (PostgreSQL or SQLite),
/// workers with leases, retries and dead letters, cron schedules that fire once across
/// instances, and `/api/jobs` with a live status stream. Provides ``JobQueue``.
///
/// Settings: `PLINTH_JOBS_WORKER` (true), `PLINTH_JOBS_CONCURRENCY` (5),
/// `PLINTH_JOBS_POLL_INTERVAL` (1 s), `PLINTH_JOBS_IDLE_POLL_INTERVAL` (10 s),
/// `PLINTH_JOBS_MAX_ATTEMPTS` (5), `PLINTH_JOBS_TIMEOUT` (300 s), `PLINTH_JOBS_LEASE` (60 s),
/// `PLINTH_JOBS_BACKOFF_BASE` (1 s), `PLINTH_JOBS_BACKOFF_CAP` (600 s),
/// `PLINTH_JOBS_BREAKER_THRESHOLD` (5), `PLINTH_JOBS_BATCH` (10), `PLINTH_JOBS_EVENTS` (true),
/// `PLINTH_JOBS_MAX_PAYLOAD` (64 KiB), `PLINTH_JOBS_MAX_PRIORITY` (100).
public struct JobsPlugin: SaaSPlugin {
    public static let manifest = PluginManifest(
        id: "jobs", name: "Jobs", version: "1.0.0",
        description: "Durable job queue, exactly-once cron across instances, live status stream",
        kernelAPI: "^1.0.0", basePath: "/api/jobs"
    )

    let settings: JobsConfiguration

    public init(context: PluginContext) throws {
        settings = try JobsConfiguration.load(context.config)
    }

    public var migrations: [Migration] { JobsSchema.migrations }

    public func provide(_ context: PluginContext) async throws -> JobQueue {
        let events = JobEventHub(database: context.database, channels: context.channels, enabled: settings.events, logger: context.logger)
        let queue = JobQueue(database: context.database, clock: context.clock, settings: settings, events: events, logger: context.logger)
        // A job that does nothing: for smoke tests, benchmarks and checking a deployment.
        queue.register("jobs.noop") { _, _ in }
        try context.provide(JobQueue.self, queue)
        try context.declarePermission(JobsRoutes.read, "see the tenant's jobs, queue statistics and schedules", roles: ["owner", "admin", "member"])
        try context.declarePermission(JobsRoutes.manage, "enqueue, retry and cancel the tenant's jobs", roles: ["owner", "admin"])
        // Schedules serve the whole instance: no tenant role may change them through the API.
        try context.declarePermission(JobsRoutes.schedules, "create, delete and trigger cron schedules", roles: [])
        try context.declareChannel("tenant:{tenant}:jobs", policy: .permission(JobsRoutes.read))
        try context.declareChannel("jobs", policy: .permission(JobsRoutes.read))
        return queue
    }

    public func mount(_ routes: PluginRoutes, provided queue: JobQueue, context: PluginContext) throws {
        try routes.add(JobsRoutes(queue: queue, settings: settings).routes)
    }

    public func boot(_ queue: JobQueue, context: PluginContext) async throws {
        // Listening starts here, before boot ends, so no status change after boot is missed.
        if let notifications = try await queue.events.listen() {
            context.addService(EventHubService(hub: queue.events, notifications: notifications))
        }
        context.addService(CronScheduler(queue: queue))
        if settings.worker {
            context.addService(JobWorker(queue: queue, settings: settings, metrics: JobMetrics(registry: context.metrics.registry), bus: context.events))
        }
    }
}
