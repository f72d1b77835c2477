import ArgumentParser
import Foundation
import PlinthKernel

/// `plinth openapi [--output FILE]`: the document `/openapi.json` serves, without serving it.
struct OpenAPI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "openapi",
        abstract: "Write the OpenAPI 3.1 document of every route, as /openapi.json serves it."
    )

    @Option(name: .shortAndLong, help: "Write it to this file instead of standard output.")
    var output: String?

    func run() async throws {
        try await CommandSupport.run {
            let configuration = try await CommandSupport.loadConfiguration()
            let kernel = CommandSupport.makeQuietKernel(configuration)
            try await kernel.withRunning(options: .init(migrate: false, boot: false)) { running in
                let document = try running.openAPIDocument()
                if let output {
                    do { try document.write(to: URL(fileURLWithPath: output), options: .atomic) } catch {
                        throw KernelStartupError("cannot write the document to \(output): \(error.localizedDescription)")
                    }
                } else {
                    FileHandle.standardOutput.write(document)
                    FileHandle.standardOutput.write(Data("\n".utf8))
                }
            }
        }
    }
}
