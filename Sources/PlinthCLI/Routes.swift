import ArgumentParser
import PlinthKernel

/// `plinth routes`: every route with its method and owning plugin.
struct Routes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List every HTTP route with its method, plugin and operation id.")

    func run() async throws {
        try await CommandSupport.run {
            let configuration = try await CommandSupport.loadConfiguration()
            let kernel = CommandSupport.makeQuietKernel(configuration)
            try await kernel.withRunning(options: .init(migrate: false, boot: false)) { running in
                let rows = running.routes.all.sorted { ($0.path, $0.method) < ($1.path, $1.method) }.map { [$0.method, $0.path, $0.plugin, $0.id] }
                Table.print(header: ["METHOD", "PATH", "PLUGIN", "OPERATION"], rows: rows)
            }
        }
    }
}
