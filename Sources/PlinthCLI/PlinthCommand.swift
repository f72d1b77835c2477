import ArgumentParser
import PlinthKernel
import Synchronization

/// `plinth`: serve the kernel and its plugins, and inspect them.
struct PlinthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plinth",
        abstract: "Plinth: a plugin-hosting application framework for SaaS backends.",
        version: Kernel.version,
        subcommands: [Serve.self, Migrate.self, Plugins.self, Routes.self, OpenAPI.self, Config.self, Secrets.self, New.self, Version.self],
        defaultSubcommand: nil
    )
}

/// The `plinth` command line as a library, so that a program can host its own set of plugins
/// with every command (`serve`, `migrate`, `plugins`, `routes`, `openapi`, `config`, `version`):
///
/// ```swift
/// // Sources/my-backend/main.swift
/// import PlinthCLI
/// await PlinthCLI.main(plugins: [PluginEntry(StoragePlugin.self), PluginEntry(BillingPlugin.self)])
/// ```
public enum PlinthCLI {
    private static let entries = Mutex<[PluginEntry]>([])

    /// The plugins the commands load.
    static var plugins: [PluginEntry] { entries.withLock { $0 } }

    /// Parses the process arguments and runs the command with `plugins` compiled in.
    public static func main(plugins: [PluginEntry]) async {
        entries.withLock { $0 = plugins }
        await PlinthCommand.main()
    }
}
