import ArgumentParser
import PlinthKernel
import Synchronization

/// `plinth`: serve the kernel and its plugins, and inspect them.
struct PlinthCommand: AsyncParsableCommand {
    // Computed: plugins' commands are known only once `main` has been called.
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "plinth",
            abstract: "Plinth: a plugin-hosting application framework for SaaS backends.",
            version: Kernel.version,
            subcommands: [Serve.self, Migrate.self, Plugins.self, Routes.self, OpenAPI.self, Config.self, Secrets.self, New.self, Version.self]
                + PlinthCLI.commands,
            defaultSubcommand: nil
        )
    }
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
    private static let extraCommands = Mutex<[any ParsableCommand.Type]>([])

    /// The plugins the commands load.
    static var plugins: [PluginEntry] { entries.withLock { $0 } }
    static var commands: [any ParsableCommand.Type] { extraCommands.withLock { $0 } }

    /// Parses the process arguments and runs the command with `plugins` compiled in, and
    /// `commands` (plugins' own, such as `plinth workflow`) beside the built-in ones.
    public static func main(plugins: [PluginEntry], commands: [any ParsableCommand.Type] = []) async {
        entries.withLock { $0 = plugins }
        extraCommands.withLock { $0 = commands }
        await PlinthCommand.main()
    }

    /// For a plugin's command: loads the configuration, takes the plugins through provide and
    /// mount without migrating, booting or serving (as `plinth routes` does), calls `body`, and
    /// shuts them down. Any failure is one line on stderr and exit code 1.
    public static func withMountedKernel(_ body: @escaping @Sendable (RunningKernel) async throws -> Void) async throws {
        try await CommandSupport.run {
            let configuration = try await CommandSupport.loadConfiguration()
            let kernel = CommandSupport.makeQuietKernel(configuration)
            try await kernel.withRunning(options: .init(migrate: false, boot: false)) { running in try await body(running) }
        }
    }
}
