import ArgumentParser
import PlinthKernel

/// `plinth config`: the effective configuration, secrets redacted.
struct Config: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the effective configuration (environment, .env, defaults) with secrets redacted.")

    func run() async throws {
        try await CommandSupport.run {
            let configuration = try await CommandSupport.loadConfiguration()
            Table.print(header: ["KEY", "VALUE"], rows: configuration.entries.map { [$0.key, $0.value] })
        }
    }
}

/// `plinth version`.
struct Version: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the Plinth version and kernel API version.")
    func run() async throws {
        print("plinth \(Kernel.version) (kernel API \(Kernel.apiVersion))")
    }
}
