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
/// shared objects of `PLINTH_PLUGIN_DIR` (the benchmark puts the same route there in C);
/// `plinth-bench realtime PORT` — the kernel's `/ws` with ``FeedPlugin``'s channel and publisher;
/// `plinth-bench bare-ws PORT` — ``BareBroadcastServer``;
/// `plinth-bench load ...` — ``RealtimeLoad``, the realtime benchmark's client;
/// `plinth-bench signed-in-bare ...` — ``SignedInBare``, the signed-in benchmark's bare peer.
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
let usage = """
    usage: plinth-bench kernel|bare|dylib|realtime|bare-ws PORT
           plinth-bench signed-in-bare --port P --jwt-secret S [--issuer I --audience A] (--sqlite PATH | --postgres URL [--schema X])
           plinth-bench load --urls WS[,WS...] --publish WS [--subscribers N] [--rate R] [--seconds S] [--size BYTES] [--bare]

    """
if arguments.count >= 2, arguments[1] == "load" {
    var load = RealtimeLoad(urls: [], publish: "")
    var rest = arguments.dropFirst(2).makeIterator()
    while let flag = rest.next() {
        switch flag {
        case "--bare": load.kernel = false
        case "--urls": load.urls = rest.next().map { $0.split(separator: ",").map(String.init) } ?? []
        case "--publish": load.publish = rest.next() ?? ""
        case "--subscribers": load.subscribers = rest.next().flatMap(Int.init) ?? load.subscribers
        case "--rate": load.rate = rest.next().flatMap(Double.init) ?? load.rate
        case "--seconds": load.seconds = rest.next().flatMap(Double.init) ?? load.seconds
        case "--size": load.size = rest.next().flatMap(Int.init) ?? load.size
        default:
            FileHandle.standardError.write(Data(usage.utf8))
            exit(2)
        }
    }
    try await load.run()
    exit(0)
}
if arguments.count >= 2, arguments[1] == "signed-in-bare" {
    try await SignedInBare.run(arguments: Array(arguments.dropFirst(2)))
    exit(0)
}
guard arguments.count == 3, let port = Int(arguments[2]), ["kernel", "bare", "dylib", "realtime", "bare-ws"].contains(arguments[1]) else {
    FileHandle.standardError.write(Data(usage.utf8))
    exit(2)
}

switch arguments[1] {
case "bare":
    let router = Router()
    router.get("/hello") { _, _ in "hello" }
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: Logger(label: "bare", factory: { _ in SwiftLogNoOpLogHandler() }))
    try await app.runService()
case "bare-ws":
    try await BareBroadcastServer.run(port: port)
default:
    let source = try await ConfigSource.load(dotEnvPath: nil)
    var configuration = try KernelConfiguration.load(from: source)
    configuration.port = port
    let logger = Logger(label: "plinth", factory: LogHandlers.factory(format: configuration.logFormat, level: configuration.logLevel))
    let discovery: [any PluginDiscovery] = switch arguments[1] {
    case "dylib": [PluginCatalog([PluginEntry(NativeGreeter.self)]), DylibDiscovery(logger: logger)]
    case "realtime": [PluginCatalog([PluginEntry(FeedPlugin.self)])]
    default: [PluginCatalog([PluginEntry(HelloPlugin.self)])]
    }
    let kernel = Kernel(configuration: configuration, discovery: discovery, logger: logger)
    try await kernel.withRunning { running in
        let app = running.makeApplication()
        try await ServiceGroup(configuration: .init(services: [.init(service: app)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)).run()
    }
}
