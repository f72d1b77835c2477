import Foundation
import Hummingbird
import Logging
import PlinthKernel
import ServiceLifecycle

/// Serves the same "hello" route two ways for side-by-side load tests:
/// `plinth-bench kernel PORT` — a plugin route through the full kernel stack (request id,
/// telemetry, problem mapping, CORS, body limit, sessions) on SQLite;
/// `plinth-bench bare PORT` — a bare Hummingbird router.
struct HelloPlugin: SaaSPlugin {
    static let manifest = PluginManifest(id: "hello", name: "Hello", version: "1.0.0", basePath: "/hello")
    init(context: PluginContext) throws {}
    func mount(_ routes: PluginRoutes, context: PluginContext) throws {
        try routes.get("") { _, _ in "hello" }
    }
}

let arguments = CommandLine.arguments
guard arguments.count == 3, let port = Int(arguments[2]), ["kernel", "bare"].contains(arguments[1]) else {
    FileHandle.standardError.write(Data("usage: plinth-bench kernel|bare PORT\n".utf8))
    exit(2)
}

if arguments[1] == "bare" {
    let router = Router()
    router.get("/hello") { _, _ in "hello" }
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: Logger(label: "bare", factory: { _ in SwiftLogNoOpLogHandler() }))
    try await app.runService()
} else {
    let source = try await ConfigSource.load(dotEnvPath: nil)
    var configuration = try KernelConfiguration.load(from: source)
    configuration.port = port
    let logger = Logger(label: "plinth", factory: LogHandlers.factory(format: configuration.logFormat, level: configuration.logLevel))
    let kernel = Kernel(configuration: configuration, discovery: [PluginCatalog([PluginEntry(HelloPlugin.self)])], logger: logger)
    try await kernel.withRunning { running in
        let app = running.makeApplication()
        try await ServiceGroup(configuration: .init(services: [.init(service: app)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)).run()
    }
}
