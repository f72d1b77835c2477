import ArgumentParser
import PlinthKernel

/// `plinth plugins`: id, version, dependencies, state and origin of every discovered plugin.
struct Plugins: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List discovered plugins and whether they are enabled (PLINTH_PLUGINS).")

    func run() async throws {
        try await CommandSupport.run {
            let configuration = try await CommandSupport.loadConfiguration()
            let kernel = CommandSupport.makeKernel(configuration, logger: CommandSupport.makeLogger(configuration))
            let (enabled, disabled) = try await kernel.resolvePlugins(listing: true)
            let rows = (enabled.map { ($0, "enabled") } + disabled.map { ($0, "disabled") }).map { entry, state in
                let state = entry.loadError == nil ? state : "broken (\(state))"
                let m = entry.manifest
                let deps = m.dependencies.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                return [m.id, m.version, deps.isEmpty ? "-" : deps, state, entry.origin]
            }
            if rows.isEmpty {
                print("no plugins installed (kernel API \(Kernel.apiVersion))")
            } else {
                Table.print(header: ["ID", "VERSION", "DEPENDENCIES", "STATE", "ORIGIN"], rows: rows)
            }
            for entry in enabled + disabled {
                if let error = entry.loadError { print("\(entry.manifest.id): \(error)") }
            }
        }
    }
}
