import Prometheus
import Synchronization

/// The kernel's Prometheus metrics, served as text on `/metrics`.
///
/// Each kernel owns its registry, so several kernels in one test process never mix figures.
/// `plinth serve` also bootstraps swift-metrics with a factory over this registry, so metrics
/// that libraries and plugins record through swift-metrics appear on `/metrics` too.
public final class KernelMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    /// The registry validates and hashes labels on every lookup; requests reuse their collectors.
    private let requestCollectors = Mutex<[RequestKey: (Counter, DurationHistogram)]>([:])

    struct RequestKey: Hashable {
        let plugin: String, method: String, route: String, status: Int
    }
    /// Histogram buckets for latencies, 1 ms to 10 s.
    public static let latencyBuckets: [Duration] = [.milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10)]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// Counts a finished request and records its latency, labelled by plugin, route and status.
    public func requestFinished(plugin: String, method: String, route: String, status: Int, duration: Duration) {
        let key = RequestKey(plugin: plugin, method: method, route: route, status: status)
        if let (counter, histogram) = requestCollectors.withLock({ $0[key] }) {
            counter.increment()
            histogram.record(duration)
            return
        }
        let counter = registry.makeCounter(
            descriptor: .init(namespace: "plinth", subsystem: "http", metricName: "requests", unitName: "total", helpText: "HTTP requests by plugin, route and status"),
            labels: [("plugin", plugin), ("method", method), ("route", route), ("status", String(status))]
        )
        let histogram = registry.makeDurationHistogram(
            descriptor: .init(namespace: "plinth", subsystem: "http", metricName: "request_duration", unitName: "seconds", helpText: "HTTP request latency"),
            labels: [("plugin", plugin), ("route", route)],
            buckets: Self.latencyBuckets
        )
        requestCollectors.withLock { $0[key] = (counter, histogram) }
        counter.increment()
        histogram.record(duration)
    }

    public func migrationApplied(plugin: String, duration: Duration) {
        registry.makeCounter(
            descriptor: .init(namespace: "plinth", subsystem: "migrations", metricName: "applied", unitName: "total", helpText: "Migrations applied by this process"),
            labels: [("plugin", plugin)]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: .init(namespace: "plinth", subsystem: "migrations", metricName: "duration", unitName: "seconds", helpText: "Time to apply a migration"),
            labels: [("plugin", plugin)],
            buckets: Self.latencyBuckets
        ).record(duration)
    }

    public func migrationFailed(plugin: String) {
        registry.makeCounter(
            descriptor: .init(namespace: "plinth", subsystem: "migrations", metricName: "failed", unitName: "total", helpText: "Migrations that failed and were rolled back"),
            labels: [("plugin", plugin)]
        ).increment()
    }

    /// Records the database pool's state just before a scrape.
    func recordPool(_ usage: DatabasePoolUsage.Snapshot, kind: DatabaseKind, maximum: Int) {
        let labels = [("backend", kind.rawValue)]
        registry.makeGauge(descriptor: .init(namespace: "plinth", subsystem: "db_pool", metricName: "connections_in_use", unitName: "count", helpText: "Connections lent out right now"), labels: labels).set(Double(usage.inUse))
        registry.makeGauge(descriptor: .init(namespace: "plinth", subsystem: "db_pool", metricName: "connections_max", unitName: "count", helpText: "Pool size limit"), labels: labels).set(Double(maximum))
        registry.makeGauge(descriptor: .init(namespace: "plinth", subsystem: "db_pool", metricName: "acquired", unitName: "total", helpText: "Connections lent since start"), labels: labels).set(Double(usage.acquired))
    }

    /// The Prometheus text exposition of every metric.
    /// A connection closed as it arrived, over `PLINTH_MAX_CONNECTIONS`.
    func connectionRefused() {
        registry.makeCounter(descriptor: .init(namespace: "plinth", subsystem: "http", metricName: "connections_refused", unitName: "total", helpText: "Connections closed on arrival because PLINTH_MAX_CONNECTIONS were open")).increment()
    }

    /// A connection closed because the client did not do its part within `setting`.
    func connectionTimedOut(setting: String) {
        registry.makeCounter(descriptor: .init(namespace: "plinth", subsystem: "http", metricName: "connections_timed_out", unitName: "total", helpText: "Connections closed by a header, body or keep-alive timeout"), labels: [("setting", setting)]).increment()
    }

    public func render() -> String { registry.emitToString() }
}
