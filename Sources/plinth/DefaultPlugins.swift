import PlinthAuth
import PlinthKernel
import PlinthJobs
import PlinthStorage
import PlinthWorkscript

/// The plugins compiled into this `plinth` binary: the default set, then the plugins scaffolded
/// in Plugins/ with `plinth new plugin` (``LocalPlugins``, which that command writes).
enum DefaultPlugins {
    static let entries: [PluginEntry] = [
        PluginEntry(AuthPlugin.self),
        PluginEntry(StoragePlugin.self),
        PluginEntry(JobsPlugin.self),
        PluginEntry(WorkscriptPlugin.self),
    ] + LocalPlugins.entries
}
