/// A plugin past step 3: its entry, its configured instance and its context.
public struct LoadedPlugin: Sendable {
    public let entry: PluginEntry
    public let instance: any PluginLifecycle
    public let context: PluginContext
    public var id: String { entry.manifest.id }
}
