import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import PlinthKernel
import PlinthTesting
import ServiceLifecycle
import Synchronization
import Testing

/// Graceful shutdown as `plinth serve` does it: the server drains in-flight requests, then
/// plugins shut down in reverse order.
@Suite struct GracefulShutdownTests {
    struct SlowPlugin: SaaSPlugin {
        static let manifest = PluginManifest(id: "slow", name: "Slow", version: "1.0.0")
        let key: String
        let workMilliseconds: Int
        init(context: PluginContext) throws {
            key = context.config.string("KEY")!
            workMilliseconds = try context.config.int("WORK_MS", default: 600)
        }
        func mount(_ routes: PluginRoutes, context: PluginContext) throws {
            let key = self.key
            let work = self.workMilliseconds
            try routes.add(Route.get("work", id: "test.10", "test route").requires(.public).handle { _, _ in
                LifecycleLog.record(key, "request.started")
                try await Task.sleep(for: .milliseconds(work))
                LifecycleLog.record(key, "request.finished")
                return "done"
            })
        }
        func shutdown(_ context: PluginContext) async throws { LifecycleLog.record(key, "slow.shutdown") }
    }

    /// Serves like `plinth serve`, starts a slow request, triggers graceful shutdown while it is
    /// in flight; returns the request's body, or nil when it was cut off.
    func shutDownDuringRequest(key: String, deadline: String, workMilliseconds: Int = 600) async throws -> String? {
        try await shutDownDuringRequestTimed(key: key, deadline: deadline, workMilliseconds: workMilliseconds).body
    }

    /// As ``shutDownDuringRequest(key:deadline:workMilliseconds:)``, with the time from the
    /// shutdown signal until everything stopped (start-up time, which a loaded machine stretches,
    /// is not in it).
    func shutDownDuringRequestTimed(key: String, deadline: String, workMilliseconds: Int) async throws -> (body: String?, afterSignal: Duration) {
        let signalled = Mutex<ContinuousClock.Instant?>(nil)
        let kernel = try TestKernel.makeKernel(plugins: [PluginEntry(SlowPlugin.self)], backend: .sqlite, environment: ["PLINTH_SLOW_KEY": key, "PLINTH_SHUTDOWN_TIMEOUT": deadline, "PLINTH_SLOW_WORK_MS": String(workMilliseconds)])
        let ports = AsyncStream<Int>.makeStream()
        let timeout = kernel.configuration.shutdownTimeout
        let body: String? = try await kernel.withRunning { running in
            let app = running.makeApplication { ports.continuation.yield($0) }
            var configuration = ServiceGroupConfiguration(services: [.init(service: app)], gracefulShutdownSignals: [], logger: running.logger)
            configuration.maximumGracefulShutdownDuration = .milliseconds(Int(timeout * 1000))
            let group = ServiceGroup(configuration: configuration)
            return try await withThrowingTaskGroup(of: String?.self) { tasks in
                tasks.addTask { try? await group.run(); return nil }
                var iterator = ports.stream.makeAsyncIterator()
                let port = try #require(await iterator.next())
                tasks.addTask { try? await httpGet("http://127.0.0.1:\(port)/slow/work").body }
                while !LifecycleLog.steps(key).contains("request.started") { try await Task.sleep(for: .milliseconds(10)) }
                signalled.withLock { $0 = ContinuousClock.now }
                await group.triggerGracefulShutdown()
                var body: String?
                for try await result in tasks { if let result { body = result } }
                return body
            }
        }
        return (body, ContinuousClock.now - signalled.withLock { $0! })
    }

    @Test func inFlightRequestFinishesBeforePluginsShutDown() async throws {
        let key = UUID().uuidString
        #expect(try await shutDownDuringRequest(key: key, deadline: "5") == "done")
        #expect(LifecycleLog.steps(key) == ["request.started", "request.finished", "slow.shutdown"])
    }

    @Test func requestOutlivingTheDeadlineIsCutOffAndPluginsStillShutDown() async throws {
        let key = UUID().uuidString
        // The request would take 20 s; a loaded machine cannot make it finish inside the deadline.
        let (body, afterSignal) = try await shutDownDuringRequestTimed(key: key, deadline: "150ms", workMilliseconds: 20_000)
        #expect(body == nil)
        // A bound against hanging only (the request would have taken 20 s); the step log below is
        // what shows the request was cut.
        #expect(afterSignal < .seconds(15))
        #expect(LifecycleLog.steps(key).first == "request.started")
        #expect(LifecycleLog.steps(key).last == "slow.shutdown")
        #expect(!LifecycleLog.steps(key).contains("request.finished"))
    }
}
