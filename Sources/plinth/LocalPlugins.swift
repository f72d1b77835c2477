// Written by `plinth new plugin`: the plugins scaffolded in Plugins/ (each has a plugin.json).
import PlinthKernel

enum LocalPlugins {
    static let entries: [PluginEntry] = [
    ]
}
