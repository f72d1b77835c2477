import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import PlinthKernel
import PlinthTesting
import ServiceLifecycle
import Testing

/// Graceful shutdown as `plinth serve` does it: the server drains in-flight requests, then
/// plugins shut down in reverse order.
@Suite struct GracefulShutdownTests {
    struct SlowPlugin: SaaSPlugin {
        static let manifest = PluginManifest(id: "slow", name: "Slow", version: "1.0.0")
        let key: String
        init(context: PluginContext) throws { key = context.config.string("KEY")! }
        func mount(_ routes: PluginRoutes, context: PluginContext) throws {
            let key = self.key
            try routes.get("work") { _, _ in
                LifecycleLog.record(key, "request.started")
                try await Task.sleep(for: .milliseconds(600))
                LifecycleLog.record(key, "request.finished")
                return "done"
            }
        }
        func shutdown(_ context: PluginContext) async throws { LifecycleLog.record(key, "slow.shutdown") }
    }

    @Test func inFlightRequestFinishesBeforePluginsShutDown() async throws {
        let key = UUID().uuidString
        let kernel = try TestKernel.makeKernel(plugins: [PluginEntry(SlowPlugin.self)], backend: .sqlite, environment: ["PLINTH_SLOW_KEY": key, "PLINTH_SHUTDOWN_TIMEOUT": "5"])
        let ports = AsyncStream<Int>.makeStream()
        let response = try await kernel.withRunning { running in
            let app = running.makeApplication { ports.continuation.yield($0) }
            let group = ServiceGroup(configuration: .init(services: [.init(service: app)], gracefulShutdownSignals: [], logger: running.logger))
            return try await withThrowingTaskGroup(of: String?.self) { tasks in
                tasks.addTask { try await group.run(); return nil }
                var iterator = ports.stream.makeAsyncIterator()
                let port = try #require(await iterator.next())
                tasks.addTask { try await httpGet("http://127.0.0.1:\(port)/slow/work").body }
                while !LifecycleLog.steps(key).contains("request.started") { try await Task.sleep(for: .milliseconds(10)) }
                await group.triggerGracefulShutdown()
                var body: String?
                for try await result in tasks { if let result { body = result } }
                return body
            }
        }
        #expect(response == "done")
        #expect(LifecycleLog.steps(key) == ["request.started", "request.finished", "slow.shutdown"])
    }
}
