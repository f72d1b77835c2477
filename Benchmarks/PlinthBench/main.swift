import Foundation
import Hummingbird
import Logging
import NIOCore
import PlinthDylib
import PlinthKernel
import ServiceLifecycle

/// Serves the same "hello" route two ways for side-by-side load tests:
/// `plinth-bench kernel PORT` — a plugin route through the full kernel stack (request id,
/// telemetry, problem mapping, CORS, body limit, sessions) on SQLite;
/// `plinth-bench bare PORT` — a bare Hummingbird router;
/// `plinth-bench dylib PORT` — the kernel with `GET /api/native/greet/:name` in-process and the
/// shared objects of `PLINTH_PLUGIN_DIR` (the benchmark puts the same route there in C).
struct HelloPlugin: SaaSPlugin {
    static let manifest = PluginManifest(id: "hello", name: "Hello", version: "1.0.0", basePath: "/hello")
    init(context: PluginContext) throws {}
    func mount(_ routes: PluginRoutes, context: PluginContext) throws {
        try routes.add(Route.get("", id: "hello.get", "Says hello").requires(.public).handle { _, _ in "hello" })
    }
}

/// The in-process twin of Benchmarks/dylib/bench_c.c.
struct NativeGreeter: SaaSPlugin {
    static let manifest = PluginManifest(id: "native", name: "Native", version: "1.0.0", basePath: "/api/native")
    init(context: PluginContext) throws {}
    func mount(_ routes: PluginRoutes, context: PluginContext) throws {
        try routes.add(Route.get("greet/:name", id: "native.greet", "Greets by name").requires(.public).handle { _, context in
            let name = context.parameters.get("name") ?? ""
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "hello " + name)))
        })
    }
}

let arguments = CommandLine.arguments
guard arguments.count == 3, let port = Int(arguments[2]), ["kernel", "bare", "dylib"].contains(arguments[1]) else {
    FileHandle.standardError.write(Data("usage: plinth-bench kernel|bare|dylib PORT\n".utf8))
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
    let discovery: [any PluginDiscovery] = arguments[1] == "dylib"
        ? [PluginCatalog([PluginEntry(NativeGreeter.self)]), DylibDiscovery(logger: logger)]
        : [PluginCatalog([PluginEntry(HelloPlugin.self)])]
    let kernel = Kernel(configuration: configuration, discovery: discovery, logger: logger)
    try await kernel.withRunning { running in
        let app = running.makeApplication()
        try await ServiceGroup(configuration: .init(services: [.init(service: app)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)).run()
    }
}
