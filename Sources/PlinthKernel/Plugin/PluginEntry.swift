/// A discovered plugin: its manifest, where it came from, and how to configure it (step 3).
public struct PluginEntry: Sendable {
    public let manifest: PluginManifest
    /// `compiled-in`, or the file a shared object was loaded from; shown in errors and `plinth plugins`.
    public let origin: String
    /// When configuring it fails, or its id is already taken, log the fault and start without
    /// it instead of stopping (`PLINTH_PLUGIN_FAILURE=skip` for shared objects). Default false.
    public let skipOnFailure: Bool
    /// Why the file this entry stands for could not be loaded; nil for a usable plugin. A broken
    /// entry that `PLINTH_PLUGINS` leaves out is ignored; enabled, it stops startup with this
    /// message, and `plinth plugins` lists it with the message instead of failing.
    public let loadError: String?
    let make: @Sendable (PluginContext) throws -> any PluginLifecycle

    /// An entry for a compiled-in plugin type.
    public init<P: SaaSPlugin>(_ type: P.Type) {
        self.manifest = P.manifest
        self.origin = "compiled-in"
        self.skipOnFailure = false
        self.loadError = nil
        self.make = { try P(context: $0) }
    }

    /// An entry whose plugin is made by `make`; the seam through which loaders (shared objects)
    /// add plugins.
    public init(manifest: PluginManifest, origin: String, skipOnFailure: Bool = false, make: @escaping @Sendable (PluginContext) throws -> any PluginLifecycle) {
        self.manifest = manifest
        self.origin = origin
        self.skipOnFailure = skipOnFailure
        self.loadError = nil
        self.make = make
    }

    /// A file that could not be loaded, known by `id` (its file name, since its descriptor could
    /// not be read) so that `PLINTH_PLUGINS` can leave it out.
    public init(broken id: String, origin: String, error: String) {
        self.manifest = PluginManifest(id: id, name: id, version: "-", basePath: "/api/" + id)
        self.origin = origin
        self.skipOnFailure = false
        self.loadError = error
        self.make = { _ in throw KernelStartupError(error) }
    }
}

/// A source of plugins for step 1 (discover). The compiled-in catalog is one; the shared-object
/// loader is another.
public protocol PluginDiscovery: Sendable {
    func discover(configuration: KernelConfiguration) async throws -> [PluginEntry]
}

/// Plugins compiled into the binary.
public struct PluginCatalog: PluginDiscovery {
    public let entries: [PluginEntry]
    public init(_ entries: [PluginEntry]) { self.entries = entries }
    public func discover(configuration: KernelConfiguration) async throws -> [PluginEntry] { entries }
}
