import Foundation
import NIOCore
import PlinthKernel
import Prometheus
import Tracing

/// Wraps a driver so that every operation records its duration, count and outcome
/// (`plinth_storage_operations_total{operation,driver,outcome}`,
/// `plinth_storage_operation_duration_seconds{operation,driver}`) and runs in a span.
/// A streamed body is timed until the body has been read, not only until it started.
struct InstrumentedBlobStore: BlobStore {
    let base: any BlobStore
    let metrics: KernelMetrics
    var driver: String { base.driver }

    func beginUpload(_ key: BlobKey, contentType: String?, size: Int?) async throws -> any BlobUpload {
        let started = ContinuousClock.now
        do {
            return InstrumentedUpload(base: try await base.beginUpload(key, contentType: contentType, size: size), store: self, started: started)
        } catch {
            record("put", started: started, error: error)
            throw error
        }
    }

    func get(_ key: BlobKey, range: ByteRange?) async throws -> BlobObject {
        let started = ContinuousClock.now
        do {
            var object = try await base.get(key, range: range)
            let body = object.body
            object.body = BlobBody(batches: { consume in
                do {
                    try await body.streamBatches(consume)
                    record("get", started: started, error: nil)
                } catch {
                    record("get", started: started, error: error)
                    throw error
                }
            })
            return object
        } catch {
            record("get", started: started, error: error)
            throw error
        }
    }

    func head(_ key: BlobKey) async throws -> BlobInfo? { try await timed("head") { try await base.head(key) } }
    func delete(_ key: BlobKey) async throws { try await timed("delete") { try await base.delete(key) } }
    func delete(_ keys: [BlobKey]) async throws -> [BlobKey: String] { try await timed("delete_batch") { try await base.delete(keys) } }
    func list(prefix: String, cursor: String?, limit: Int) async throws -> BlobPage {
        try await timed("list") { try await base.list(prefix: prefix, cursor: cursor, limit: limit) }
    }
    func copy(_ source: BlobKey, to destination: BlobKey) async throws -> BlobInfo { try await timed("copy") { try await base.copy(source, to: destination) } }
    func presign(_ method: PresignMethod, _ key: BlobKey, expires: Int, contentType: String?) async throws -> PresignedURL {
        try await timed("presign") { try await base.presign(method, key, expires: expires, contentType: contentType) }
    }

    func timed<T: Sendable>(_ operation: String, _ body: () async throws -> T) async throws -> T {
        let started = ContinuousClock.now
        do {
            let value = try await withSpan("storage.\(operation)", ofKind: .client) { span in
                span.attributes["plinth.storage.driver"] = driver
                return try await body()
            }
            record(operation, started: started, error: nil)
            return value
        } catch {
            record(operation, started: started, error: error)
            throw error
        }
    }

    /// Outcome `ok`, `not_found` (a normal answer, not a fault) or `error`.
    func record(_ operation: String, started: ContinuousClock.Instant, error: (any Error)?) {
        var outcome = "ok"
        if let error {
            if case BlobStoreError.notFound = error { outcome = "not_found" } else { outcome = "error" }
        }
        metrics.registry.makeCounter(
            descriptor: .init(namespace: "plinth", subsystem: "storage", metricName: "operations", unitName: "total", helpText: "Storage operations by driver and outcome"),
            labels: [("operation", operation), ("driver", driver), ("outcome", outcome)]
        ).increment()
        metrics.registry.makeDurationHistogram(
            descriptor: .init(namespace: "plinth", subsystem: "storage", metricName: "operation_duration", unitName: "seconds", helpText: "Storage operation latency"),
            labels: [("operation", operation), ("driver", driver)],
            buckets: KernelMetrics.latencyBuckets + [.seconds(30), .seconds(120)]
        ).record(ContinuousClock.now - started)
    }
}

/// Records the upload as one `put` when it finishes or is aborted.
struct InstrumentedUpload: BlobUpload {
    let base: any BlobUpload
    let store: InstrumentedBlobStore
    let started: ContinuousClock.Instant

    func write(_ chunk: ByteBuffer) async throws { try await base.write(chunk) }

    func finish() async throws -> BlobInfo {
        do {
            let info = try await base.finish()
            store.record("put", started: started, error: nil)
            return info
        } catch {
            store.record("put", started: started, error: error)
            throw error
        }
    }

    func abort() async {
        await base.abort()
        store.record("put", started: started, error: BlobStoreError.unavailable("aborted"))
    }
}
