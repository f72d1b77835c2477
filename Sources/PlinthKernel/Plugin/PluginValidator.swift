/// Step 2: checks manifests and orders plugins so that each comes after its dependencies.
public enum PluginValidator {
    /// Ids only the kernel may use.
    public static let reservedIDs: Set<String> = ["kernel", "plinth"]

    /// - Returns: `entries` in dependency order (ties broken by id, so the order is stable).
    /// - Throws: ``KernelStartupError`` naming the plugin(s) and what to change.
    public static func validate(_ entries: [PluginEntry], kernelVersion: SemanticVersion) throws -> [PluginEntry] {
        var byID: [String: PluginEntry] = [:]
        for entry in entries {
            let m = entry.manifest
            guard PluginManifest.isValidID(m.id) else {
                throw KernelStartupError("plugin '\(m.id)' (\(entry.origin)) has a malformed id: use lowercase letters, digits and '_' in dot-separated segments that start with a letter, e.g. 'billing' or 'auth.providers.google'")
            }
            guard !reservedIDs.contains(m.id) else {
                throw KernelStartupError("plugin '\(m.id)' (\(entry.origin)) uses an id reserved for the kernel; choose another id")
            }
            if let other = byID[m.id] {
                throw KernelStartupError("plugin id '\(m.id)' is claimed twice, by \(other.origin) and by \(entry.origin); remove one or give it another id")
            }
            do { _ = try SemanticVersion(parsing: m.version) } catch {
                throw KernelStartupError("plugin '\(m.id)' has version \(error); use MAJOR.MINOR.PATCH")
            }
            let kernelRange: VersionRange
            do { kernelRange = try VersionRange(parsing: m.kernelAPI) } catch {
                throw KernelStartupError("plugin '\(m.id)' has a kernel API range that \(error)")
            }
            guard kernelRange.contains(kernelVersion) else {
                throw KernelStartupError("plugin '\(m.id)' \(m.version) supports kernel API \(m.kernelAPI), but this kernel's API is \(kernelVersion); install a version of '\(m.id)' built for kernel API \(kernelVersion.major).x")
            }
            guard m.basePath.hasPrefix("/"), !m.basePath.contains("//"), !m.basePath.contains("..") else {
                throw KernelStartupError("plugin '\(m.id)' has base path '\(m.basePath)'; it must start with '/' and contain no '//' or '..'")
            }
            byID[m.id] = entry
        }
        for entry in entries {
            let m = entry.manifest
            for (dependency, rangeText) in m.dependencies.sorted(by: { $0.key < $1.key }) {
                guard let target = byID[dependency] else {
                    throw KernelStartupError("plugin '\(m.id)' depends on '\(dependency)' (\(rangeText)), which is not installed or not enabled; install it or add it to PLINTH_PLUGINS")
                }
                let range: VersionRange
                do { range = try VersionRange(parsing: rangeText) } catch {
                    throw KernelStartupError("plugin '\(m.id)' gives its dependency '\(dependency)' a range that \(error)")
                }
                let version = try SemanticVersion(parsing: target.manifest.version)
                guard range.contains(version) else {
                    throw KernelStartupError("plugin '\(m.id)' needs '\(dependency)' \(rangeText), but '\(dependency)' \(version) is installed; install a matching version of '\(dependency)' or update '\(m.id)'")
                }
            }
        }
        return try order(byID)
    }

    /// Depth-first topological sort; reports the first cycle as `a -> b -> a`.
    static func order(_ byID: [String: PluginEntry]) throws -> [PluginEntry] {
        var ordered: [PluginEntry] = []
        var state: [String: Bool] = [:] // false: visiting, true: done
        func visit(_ id: String, path: [String]) throws {
            if state[id] == true { return }
            if state[id] == false {
                let cycle = path.drop { $0 != id } + [id]
                throw KernelStartupError("plugins depend on each other in a cycle: \(cycle.joined(separator: " -> ")); remove one of these dependencies")
            }
            state[id] = false
            for dependency in byID[id]!.manifest.dependencies.keys.sorted() {
                try visit(dependency, path: path + [id])
            }
            state[id] = true
            ordered.append(byID[id]!)
        }
        for id in byID.keys.sorted() { try visit(id, path: []) }
        return ordered
    }
}
