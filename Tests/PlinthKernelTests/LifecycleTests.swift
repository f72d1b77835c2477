import HTTPTypes
import Foundation
import Hummingbird
import PlinthKernel
import PlinthTesting
import Testing

@Suite struct LifecycleTests {
    @Test(arguments: TestBackend.all)
    func stepsRunInDependencyOrderAndShutdownReverses(backend: TestBackend) async throws {
        let key = UUID().uuidString
        try await TestKernel.run(plugins: [PluginEntry(StatsPlugin.self), PluginEntry(NotesPlugin.self)], backend: backend, environment: ["PLINTH_NOTES_RECORDER": key]) { kernel in
            #expect(kernel.plugins.map(\.id) == ["notes", "stats"])
        }
        #expect(LifecycleLog.steps(key) == [
            "notes.configure", "stats.configure", "notes.provide", "stats.provide", "notes.mount", "stats.mount",
            "notes.boot", "stats.boot", "stats.shutdown", "notes.shutdown",
        ])
    }

    @Test(arguments: TestBackend.all)
    func dependentPluginUsesTheServiceOfItsDependency(backend: TestBackend) async throws {
        try await TestKernel.run(plugins: [PluginEntry(NotesPlugin.self), PluginEntry(StatsPlugin.self)], backend: backend) { kernel in
            try await kernel.test { client in
                try await client.execute(uri: "/api/notes", method: .post, headers: [HTTPField.Name("x-notes-key")!: "k", .contentType: "application/json"], body: ByteBuffer(string: #"{"body":"one"}"#)) { #expect($0.status == .created) }
                try await client.execute(uri: "/api/stats/count", method: .get) { response async throws in
                    #expect(String(buffer: response.body) == "1")
                }
            }
        }
    }

    @Test func serviceProvidedTwiceNamesBothPlugins() throws {
        let registry = ServiceRegistry()
        try registry.provide(String.self, "a", by: "first")
        #expect(throws: KernelStartupError.self) { try registry.provide(String.self, "b", by: "second") }
        do { try registry.provide(String.self, "b", by: "second") } catch {
            #expect("\(error)" == "service String is provided by both plugin 'first' and plugin 'second'; disable one of them with PLINTH_PLUGINS")
        }
    }

    @Test(arguments: TestBackend.all)
    func requiredServiceMissingStopsStartupNamingThePlugin(backend: TestBackend) async throws {
        // `stats` requires NoteCounting; a stand-in `notes` that provides nothing satisfies the
        // manifest check but not the service.
        let fakeNotes = manifestOnly(.init(id: "notes", name: "N", version: "1.0.0"))
        let kernel = try TestKernel.makeKernel(plugins: [fakeNotes, PluginEntry(StatsPlugin.self)], backend: backend)
        do {
            try await kernel.withRunning { _ in }
            Issue.record("startup should have failed")
        } catch {
            #expect("\(error)" == "plugin 'stats' requires service NoteCounting, which no enabled plugin provides: none of its dependencies (notes) provides it; enable the plugin that does, or fix the dependency list")
        }
    }

    @Test(arguments: TestBackend.all)
    func badPluginSettingStopsStartupNamingTheKey(backend: TestBackend) async throws {
        let kernel = try TestKernel.makeKernel(plugins: [PluginEntry(NotesPlugin.self)], backend: backend, environment: ["PLINTH_NOTES_MAX_LENGTH": "lots"])
        do {
            try await kernel.withRunning { _ in }
            Issue.record("startup should have failed")
        } catch {
            #expect("\(error)" == "plugin 'notes' is misconfigured: PLINTH_NOTES_MAX_LENGTH must be a whole number between 1 and 10000, not 'lots'")
        }
    }

    @Test(arguments: TestBackend.all)
    func routeConflictBetweenPluginsStopsStartup(backend: TestBackend) async throws {
        struct Squatter: SaaSPlugin {
            static let manifest = PluginManifest(id: "squatter", name: "S", version: "1.0.0", basePath: "/api/notes")
            init(context: PluginContext) throws {}
            func mount(_ routes: PluginRoutes, context: PluginContext) throws {
                try routes.add(Route.get("{key}", id: "test.15", "test route").requires(.public).handle { _, _ in "mine" })
            }
        }
        let kernel = try TestKernel.makeKernel(plugins: [PluginEntry(NotesPlugin.self), PluginEntry(Squatter.self)], backend: backend)
        do {
            try await kernel.withRunning { _ in }
            Issue.record("startup should have failed")
        } catch {
            #expect("\(error)".contains("route GET /api/notes/{key} is claimed by both plugin 'notes' and plugin 'squatter'"))
        }
    }

    @Test(arguments: TestBackend.all)
    func bootFailureNamesThePlugin(backend: TestBackend) async throws {
        struct Broken: SaaSPlugin {
            static let manifest = PluginManifest(id: "broken", name: "B", version: "1.0.0")
            init(context: PluginContext) throws {}
            func boot(_ context: PluginContext) async throws { throw Problem(.internalServerError, detail: "cache warm-up failed") }
        }
        let kernel = try TestKernel.makeKernel(plugins: [PluginEntry(Broken.self)], backend: backend)
        await #expect(throws: KernelStartupError.self) { try await kernel.withRunning { _ in } }
    }

    @Test(arguments: TestBackend.all)
    func backgroundServiceRunsUntilShutdown(backend: TestBackend) async throws {
        let key = UUID().uuidString
        struct Ticker: SaaSPlugin {
            static let manifest = PluginManifest(id: "ticker", name: "T", version: "1.0.0")
            let key: String
            init(context: PluginContext) throws { key = context.config.string("KEY")! }
            func boot(_ context: PluginContext) async throws { context.addService(TickService(key: key)) }
        }
        try await TestKernel.run(plugins: [PluginEntry(Ticker.self)], backend: backend, environment: ["PLINTH_TICKER_KEY": key]) { _ in
            for _ in 0..<100 where !LifecycleLog.steps(key).contains("tick.started") { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(LifecycleLog.steps(key) == ["tick.started", "tick.stopped"])
    }
}

import ServiceLifecycle
struct TickService: Service {
    let key: String
    func run() async throws {
        LifecycleLog.record(key, "tick.started")
        try? await gracefulShutdown()
        LifecycleLog.record(key, "tick.stopped")
    }
}
