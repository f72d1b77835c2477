import ArgumentParser
import Foundation
import Logging
import PlinthDylib
import PlinthKernel

/// Loads configuration and builds a kernel for a command, turning any failure into one line on
/// stderr and exit code 1.
enum CommandSupport {
    static func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
            LogSink.standardError.flush()
        } catch let exit as ExitCode {
            LogSink.standardError.flush()
            throw exit
        } catch {
            LogSink.standardError.flush()
            FileHandle.standardError.write(Data("plinth: \(message(for: error))\n".utf8))
            throw ExitCode(1)
        }
    }

    static func message(for error: any Error) -> String {
        switch error {
        case let error as ConfigurationError: error.description
        case let error as KernelStartupError: error.message
        case let error as MigrationError: error.description
        case let error as DatabaseError: error.message
        default: DatabaseError.describe(error)
        }
    }

    static func loadConfiguration() async throws -> KernelConfiguration {
        try KernelConfiguration.load(from: try await ConfigSource.load())
    }

    /// A logger that writes to stderr in the configured format and level.
    static func makeLogger(_ configuration: KernelConfiguration, label: String = "plinth") -> Logger {
        Logger(label: label, factory: LogHandlers.factory(format: configuration.logFormat, level: configuration.logLevel))
    }

    /// A kernel for commands that print results: its logger only shows warnings and errors.
    static func makeQuietKernel(_ configuration: KernelConfiguration) -> Kernel {
        var quiet = configuration
        quiet.logLevel = max(configuration.logLevel, .warning)
        return makeKernel(configuration, logger: makeLogger(quiet))
    }

    static func makeKernel(_ configuration: KernelConfiguration, logger: Logger, metrics: KernelMetrics = KernelMetrics()) -> Kernel {
        Kernel(configuration: configuration, discovery: [PluginCatalog(PlinthCLI.plugins), DylibDiscovery(logger: logger)], logger: logger, metrics: metrics)
    }
}
