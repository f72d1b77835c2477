import PlinthAuth
import PlinthKernel
import PlinthJobs
import PlinthStorage

/// The plugins compiled into this `plinth` binary. Plugins scaffolded inside this repository
/// are added here, one line each.
enum DefaultPlugins {
    static let entries: [PluginEntry] = [
        PluginEntry(AuthPlugin.self),
        PluginEntry(StoragePlugin.self),
        PluginEntry(JobsPlugin.self),
    ]
}
