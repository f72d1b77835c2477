import Foundation
import Logging
import PlinthKernel

/// Step 1 for shared objects: every `*.so` in `PLINTH_PLUGIN_DIR` (default `./plugins.d`), in
/// name order, loaded and checked by ``DylibLoader``.
///
/// `PLINTH_PLUGIN_FAILURE` decides what a faulty file does: `stop` (default) stops startup with
/// its message, unless `PLINTH_PLUGINS` leaves the file out (a file that cannot be loaded is
/// known by its name without `.so`); `skip` logs the message and starts without it.
///
/// `PLINTH_PLUGIN_RESPONSE_LIMIT` (bytes, default 64 MiB) bounds the body one handler call may
/// write: past it the host drops the body and answers 500, naming the plugin in its log. Skipping covers faults found while
/// loading, checking and initialising a plugin and a taken id; a route conflict, a failing
/// migration or a failing boot hook always stops startup.
public struct DylibDiscovery: PluginDiscovery {
    let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func discover(configuration: KernelConfiguration) async throws -> [PluginEntry] {
        let source = configuration.source
        let folder = source.string("PLINTH_PLUGIN_DIR") ?? "./plugins.d"
        let skip = try source.choice("PLINTH_PLUGIN_FAILURE", default: "stop", choices: ["stop", "skip"]) == "skip"
        let responseLimit = try source.int("PLINTH_PLUGIN_RESPONSE_LIMIT", default: DylibRuntime.defaultResponseLimit, range: 1...(1 << 40))
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) else {
            if source.string("PLINTH_PLUGIN_DIR") != nil {
                throw ConfigurationError(key: "PLINTH_PLUGIN_DIR", reason: "names '\(folder)', which does not exist")
            }
            return []
        }
        guard isFolder.boolValue else { throw ConfigurationError(key: "PLINTH_PLUGIN_DIR", reason: "names '\(folder)', which is not a folder") }
        let root = URL(fileURLWithPath: folder).standardizedFileURL.path
        let files = try FileManager.default.contentsOfDirectory(atPath: root).filter { $0.hasSuffix(".so") }.sorted()
        var entries: [PluginEntry] = []
        for file in files {
            let path = (root as NSString).appendingPathComponent(file)
            do {
                let library = try DylibLoader.load(path)
                let manifest = PluginManifest(
                    id: library.name, name: library.name, version: library.version, description: library.description,
                    kernelAPI: "^1.0.0", basePath: "/api/" + library.name.replacingOccurrences(of: ".", with: "/")
                )
                entries.append(PluginEntry(manifest: manifest, origin: path, skipOnFailure: skip) { context in
                    try DylibPlugin.make(library, context: context, responseLimit: responseLimit)
                })
            } catch {
                if skip {
                    logger.error("plugin file skipped (PLINTH_PLUGIN_FAILURE=skip): \(error.description)")
                } else {
                    // Not fatal yet: PLINTH_PLUGINS may leave it out, and `plinth plugins` lists it.
                    entries.append(PluginEntry(broken: (file as NSString).deletingPathExtension, origin: path, error: error.description))
                }
            }
        }
        return entries
    }
}
