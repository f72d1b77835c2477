import ArgumentParser
import PlinthKernel

/// `plinth`: serve the kernel and its plugins, and inspect them.
@main
struct PlinthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plinth",
        abstract: "Plinth: a plugin-hosting application framework for SaaS backends.",
        version: Kernel.version,
        subcommands: [Serve.self, Migrate.self, Plugins.self, Routes.self, Config.self, Version.self],
        defaultSubcommand: nil
    )
}
