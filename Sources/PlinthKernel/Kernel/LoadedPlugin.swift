import Synchronization

/// A plugin past step 3: its entry, its configured instance and its context.
public struct LoadedPlugin: Sendable {
    public let entry: PluginEntry
    public let instance: any PluginLifecycle
    public let context: PluginContext
    public var id: String { entry.manifest.id }
    /// What the instance's `provide` returned, kept by the kernel for steps 6–8.
    let provided = ProvidedValue()

    init(entry: PluginEntry, instance: any PluginLifecycle, context: PluginContext) {
        self.entry = entry
        self.instance = instance
        self.context = context
    }

    func provide() async throws {
        provided.set(try await Self.provide(instance, context))
    }

    func mount(_ routes: PluginRoutes) throws {
        try Self.mount(instance, routes, provided.value, context)
    }

    func boot() async throws {
        try await Self.boot(instance, provided.value, context)
    }

    func health() async -> PluginHealth {
        await Self.health(instance, provided.value, context)
    }

    func shutdown() async throws {
        try await Self.shutdown(instance, provided.value, context)
    }

    // The existential is opened here, so each step receives its own plugin's `Provided` type.
    private static func provide<P: PluginLifecycle>(_ plugin: P, _ context: PluginContext) async throws -> any Sendable {
        try await plugin.provide(context)
    }

    private static func mount<P: PluginLifecycle>(_ plugin: P, _ routes: PluginRoutes, _ value: (any Sendable)?, _ context: PluginContext) throws {
        try plugin.mount(routes, provided: try provided(P.self, value, step: "mount", context), context: context)
    }

    private static func boot<P: PluginLifecycle>(_ plugin: P, _ value: (any Sendable)?, _ context: PluginContext) async throws {
        try await plugin.boot(try provided(P.self, value, step: "boot", context), context: context)
    }

    private static func health<P: PluginLifecycle>(_ plugin: P, _ value: (any Sendable)?, _ context: PluginContext) async -> PluginHealth {
        guard let value = value as? P.Provided else { return .unhealthy("not provided") }
        return await plugin.health(value, context: context)
    }

    private static func shutdown<P: PluginLifecycle>(_ plugin: P, _ value: (any Sendable)?, _ context: PluginContext) async throws {
        try await plugin.shutdown(value as? P.Provided, context: context)
    }

    private static func provided<P: PluginLifecycle>(_: P.Type, _ value: (any Sendable)?, step: String, _ context: PluginContext) throws -> P.Provided {
        guard let value = value as? P.Provided else {
            throw KernelStartupError("plugin '\(context.id)' reached \(step) before provide returned", code: .other, plugin: context.id)
        }
        return value
    }
}

/// Set once, after `provide` returned; read by the later steps, which may run on other tasks.
final class ProvidedValue: Sendable {
    private let storage = Mutex<(any Sendable)?>(nil)
    var value: (any Sendable)? { storage.withLock { $0 } }
    func set(_ value: any Sendable) { storage.withLock { $0 = value } }
}
