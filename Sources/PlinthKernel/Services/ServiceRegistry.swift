import Synchronization

/// Typed dependency injection between plugins.
///
/// In step 5 (provide) a plugin registers what it offers under a type — usually a protocol —
/// and resolves what it needs from the plugins before it in dependency order.
///
/// ```swift
/// try context.services.provide(BlobStore.self, LocalBlobStore(root: dir))
/// let store = try context.services.require(BlobStore.self)
/// ```
public final class ServiceRegistry: Sendable {
    struct Entry: Sendable {
        let value: any Sendable
        let provider: String
    }
    private let entries = Mutex<[ObjectIdentifier: Entry]>([:])
    private let contributed = Mutex<[ObjectIdentifier: [Entry]]>([:])

    public init() {}

    /// Registers `value` as the `type` service, offered by plugin `provider`.
    /// - Throws: ``KernelStartupError`` naming both plugins when `type` is already provided.
    public func provide<T: Sendable>(_ type: T.Type, _ value: T, by provider: String) throws {
        let key = ObjectIdentifier(type)
        let existing: String? = entries.withLock { entries in
            if let existing = entries[key] { return existing.provider }
            entries[key] = Entry(value: value, provider: provider)
            return nil
        }
        if let existing {
            throw KernelStartupError("service \(Self.name(type)) is provided by both plugin '\(existing)' and plugin '\(provider)'; disable one of them with PLINTH_PLUGINS")
        }
    }

    /// The `type` service, or `nil` when no plugin provides it.
    public func resolve<T>(_ type: T.Type) -> T? {
        entries.withLock { $0[ObjectIdentifier(type)]?.value } as? T
    }

    /// The `type` service needed by plugin `consumer`.
    /// - Throws: ``KernelStartupError`` naming the consumer and the plugins it depends on.
    public func require<T>(_ type: T.Type, by consumer: String, dependencies: [String] = []) throws -> T {
        if let value = resolve(type) { return value }
        let hint = dependencies.isEmpty
            ? "declare a dependency on the plugin that provides it"
            : "none of its dependencies (\(dependencies.sorted().joined(separator: ", "))) provides it; enable the plugin that does, or fix the dependency list"
        throw KernelStartupError("plugin '\(consumer)' requires service \(Self.name(type)), which no enabled plugin provides: \(hint)")
    }

    /// Which plugin provides `type`.
    public func provider<T>(of type: T.Type) -> String? {
        entries.withLock { $0[ObjectIdentifier(type)]?.provider }
    }

    /// Adds `value` to the `type` contributions, from plugin `provider`. Unlike a service, any
    /// number of plugins contribute to one type (workflow nodes, AI tools) and none depends on
    /// the consumer: the consumer reads them all in step 6 (mount), after every plugin's provide.
    public func contribute<T: Sendable>(_ type: T.Type, _ value: T, by provider: String) {
        contributed.withLock { $0[ObjectIdentifier(type), default: []].append(Entry(value: value, provider: provider)) }
    }

    /// Every `type` contribution with its plugin, in the order they were made (dependency order
    /// of the contributors). Complete from step 6 (mount) on.
    public func contributions<T>(_ type: T.Type) -> [(plugin: String, value: T)] {
        contributed.withLock { $0[ObjectIdentifier(type)] ?? [] }.compactMap { entry in (entry.value as? T).map { (entry.provider, $0) } }
    }

    static func name<T>(_ type: T.Type) -> String {
        String(describing: type).replacingOccurrences(of: "any ", with: "")
    }
}
