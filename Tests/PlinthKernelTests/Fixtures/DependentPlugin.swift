import Hummingbird
import PlinthKernel

/// Depends on `notes` and uses its service, to test ordering and dependency injection.
struct StatsPlugin: SaaSPlugin {
    static let manifest = PluginManifest(id: "stats", name: "Stats", version: "0.3.0", dependencies: ["notes": "^1.0.0"], basePath: "/api/stats")
    let recorder: String
    init(context: PluginContext) throws {
        recorder = context.config.environment.string("PLINTH_NOTES_RECORDER") ?? "default"
        LifecycleLog.record(recorder, "stats.configure")
    }
    func provide(_ context: PluginContext) async throws { LifecycleLog.record(recorder, "stats.provide") }
    func mount(_ routes: PluginRoutes, context: PluginContext) throws {
        LifecycleLog.record(recorder, "stats.mount")
        let counter = try context.require((any NoteCounting).self)
        try routes.add(Route.get("count", id: "test.9", "test route").requires(.public).handle { _, _ in String(try await counter.count()) })
    }
    func boot(_ context: PluginContext) async throws { LifecycleLog.record(recorder, "stats.boot") }
    func shutdown(_ context: PluginContext) async throws { LifecycleLog.record(recorder, "stats.shutdown") }
}

/// A plugin described entirely by a manifest given at run time, for validation tests.
func manifestOnly(_ manifest: PluginManifest, origin: String = "compiled-in", migrations: [Migration] = []) -> PluginEntry {
    PluginEntry(manifest: manifest, origin: origin) { _ in BarePlugin(migrations: migrations) }
}

struct BarePlugin: PluginLifecycle {
    let migrations: [Migration]
}
