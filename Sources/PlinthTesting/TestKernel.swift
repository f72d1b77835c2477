import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PlinthKernel
import ServiceLifecycle

/// Boots a kernel with chosen plugins on a throwaway database for one test.
///
/// ```swift
/// @Test(arguments: TestBackend.all)
/// func createsNote(backend: TestBackend) async throws {
///     try await TestKernel.run(plugins: [PluginEntry(NotesPlugin.self)], backend: backend) { kernel in
///         try await kernel.test { client in
///             try await client.execute(uri: "/notes", method: .post, body: ByteBuffer(string: "hi")) { response in
///                 #expect(response.status == .created)
///             }
///         }
///     }
/// }
/// ```
public enum TestKernel {
    /// The `PLINTH_SECRET_KEY` test kernels use unless the test sets one.
    public static let secretKey = Data(repeating: 0x5e, count: 32).base64EncodedString()

    /// - Parameters:
    ///   - environment: settings as environment variables (`SESSION_EXPIRY`, `PLINTH_NOTES_...`).
    ///   - schema: PostgreSQL schema to share between kernels; default a fresh one, dropped after.
    ///   - logs: where log lines go; default discarded.
    public static func run<T: Sendable>(
        plugins: [PluginEntry],
        backend: TestBackend,
        environment: [String: String] = [:],
        schema: String? = nil,
        clock: any KernelClock = SystemClock(),
        logs: LogCapture? = nil,
        options: Kernel.RunOptions = .init(),
        _ body: (RunningKernel) async throws -> T
    ) async throws -> T {
        let kernel = try makeKernel(plugins: plugins, backend: backend, environment: environment, schema: schema, clock: clock, logs: logs)
        let ownFolder = environment["PLINTH_DATA_DIR"] == nil
        defer { if ownFolder { cleanUp(kernel.configuration, backend: backend) } }
        return try await kernel.withRunning(options: options) { running in
            let ownSchema = schema == nil ? kernel.configuration.database.schema : nil
            do {
                let result = try await body(running)
                if let ownSchema { try? await running.database.sql.raw("DROP SCHEMA \(ident: ownSchema) CASCADE").run() }
                return result
            } catch {
                if let ownSchema { try? await running.database.sql.raw("DROP SCHEMA \(ident: ownSchema) CASCADE").run() }
                throw error
            }
        }
    }

    /// A kernel configured for `backend` without running it, for tests of startup failures.
    public static func makeKernel(
        plugins: [PluginEntry],
        backend: TestBackend,
        environment: [String: String] = [:],
        schema: String? = nil,
        clock: any KernelClock = SystemClock(),
        logs: LogCapture? = nil
    ) throws -> Kernel {
        var values = environment
        values["PLINTH_ENV"] = values["PLINTH_ENV"] ?? "test"
        // One key for every test kernel, as every instance of a deployment shares one; a test of
        // the generated key sets PLINTH_SECRET_KEY to "" to get the development behaviour.
        values["PLINTH_SECRET_KEY"] = values["PLINTH_SECRET_KEY"] ?? secretKey
        switch backend {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plinth-test-\(UUID().uuidString)").path
            values["PLINTH_DATA_DIR"] = values["PLINTH_DATA_DIR"] ?? folder
        case .postgres(let url):
            values["DATABASE_URL"] = url
        }
        var configuration = try KernelConfiguration.load(from: .values(values))
        configuration.port = 0
        if case .postgres = backend {
            configuration.database.schema = schema ?? "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
            // Many kernels run side by side in one test process; keep each pool small.
            if case .postgres(var pg) = configuration.database.backend {
                pg.options.minimumConnections = 0
                pg.options.maximumConnections = 5
                configuration.database.backend = .postgres(pg)
            }
        }
        let logger = logs?.logger() ?? Logger(label: "plinth-test", factory: { _ in SwiftLogNoOpLogHandler() })
        return Kernel(configuration: configuration, discovery: [PluginCatalog(plugins)], logger: logger, clock: clock)
    }

    static func cleanUp(_ configuration: KernelConfiguration, backend: TestBackend) {
        if case .sqlite = backend, configuration.dataDirectory.contains("plinth-test-") {
            try? FileManager.default.removeItem(atPath: configuration.dataDirectory)
        }
    }
}

extension RunningKernel {
    /// Drives the kernel's router in-process with HummingbirdTesting's client.
    public func test<T>(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        try await makeApplication().test(.router, body)
    }

    /// Drives the kernel over a real loopback socket.
    public func testLive<T>(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        try await makeApplication().test(.live, body)
    }
}

extension RunningKernel {
    /// Serves the kernel on a loopback port (the configured `PORT`, 0 for any) for the length of
    /// `body`, which gets the port; for tests that speak raw TCP (``RawConnection``).
    public func serve<T: Sendable>(_ body: @escaping @Sendable (Int) async throws -> T) async throws -> T {
        let (ports, announce) = AsyncStream<Int>.makeStream()
        let application = makeApplication(onServerRunning: { port in announce.yield(port) })
        let group = ServiceGroup(services: [application], gracefulShutdownSignals: [], logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            let result: Result<T, any Error>
            do { result = .success(try await body(port)) } catch { result = .failure(error) }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return try result.get()
        }
    }
}
