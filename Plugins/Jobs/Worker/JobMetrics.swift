import Foundation
import PlinthKernel
import Prometheus
import Synchronization

/// `plinth_jobs_finished_total{type,outcome}` (completed, retried, dead),
/// `plinth_jobs_run_duration_seconds{type}`, `plinth_jobs_claim_latency_seconds{type}` (from
/// due to started) and `plinth_jobs_queue_depth{type,state}`.
final class JobMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    /// The registry validates and hashes labels on every lookup; each job would pay for three.
    private let latency = CollectorCache<DurationHistogram>()
    private let runs = CollectorCache<DurationHistogram>()
    private let outcomes = CollectorCache<Counter>()
    static let buckets = KernelMetrics.latencyBuckets + [.seconds(60), .seconds(600)]

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    func claimed(type: String, latency seconds: Double) {
        latency.value(for: type) {
            registry.makeDurationHistogram(
                descriptor: .init(namespace: "plinth", subsystem: "jobs", metricName: "claim_latency", unitName: "seconds", helpText: "Time from a job being due to a worker starting it"),
                labels: [("type", type)], buckets: Self.buckets
            )
        }.record(.milliseconds(Int64(seconds * 1000)))
    }

    func finished(type: String, outcome: String, duration: Double) {
        outcomes.value(for: type + "\u{0}" + outcome) {
            registry.makeCounter(
                descriptor: .init(namespace: "plinth", subsystem: "jobs", metricName: "finished", unitName: "total", helpText: "Job attempts by outcome: completed, retried, dead"),
                labels: [("type", type), ("outcome", outcome)]
            )
        }.increment()
        runs.value(for: type) {
            registry.makeDurationHistogram(
                descriptor: .init(namespace: "plinth", subsystem: "jobs", metricName: "run_duration", unitName: "seconds", helpText: "Time a job attempt ran"),
                labels: [("type", type)], buckets: Self.buckets
            )
        }.record(.milliseconds(Int64(duration * 1000)))
    }

    func depth(_ rows: [(type: String, state: String, count: Int)]) {
        for row in rows where row.state == JobState.available.rawValue || row.state == JobState.running.rawValue || row.state == JobState.dead.rawValue {
            registry.makeGauge(
                descriptor: .init(namespace: "plinth", subsystem: "jobs", metricName: "queue_depth", helpText: "Jobs by type and state (available, running, dead)"),
                labels: [("type", row.type), ("state", row.state)]
            ).set(Double(row.count))
        }
    }
}

/// Collectors by label key, made once.
final class CollectorCache<Value: Sendable>: Sendable {
    private let values = Mutex<[String: Value]>([:])

    func value(for key: String, make: () -> Value) -> Value {
        values.withLock { values in
            if let value = values[key] { return value }
            let value = make()
            values[key] = value
            return value
        }
    }
}
