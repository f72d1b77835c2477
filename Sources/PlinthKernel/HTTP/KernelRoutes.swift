import Foundation
import Hummingbird
import Synchronization

/// `/health` (live), `/ready` (database and plugins), `/metrics` (Prometheus text),
/// `/openapi.json` (the API of every mounted route), and `/ws` (realtime channels over a
/// WebSocket, ``RealtimeSocket``) with its tickets.
struct KernelRoutes {
    let kernel: RunningKernel
    /// Filled once every plugin has mounted.
    let document: OpenAPIHolder

    struct Health: Codable, Sendable {
        var status: String
        var version: String
    }

    struct Readiness: Codable, Sendable {
        struct Check: Codable, Sendable {
            var healthy: Bool
            var detail: String?
        }
        var status: Status
        var database: Check
        var plugins: [String: Check]

        enum Status: String, Codable, Sendable, SchemaEnum { case ready, unavailable }
    }

    struct Ticket: Codable, Sendable {
        /// Pass as `/ws?ticket=…`, once.
        var ticket: String
        /// Seconds it stays usable.
        var expiresIn: Int
    }

    var routes: [Route] {
        let socket = RealtimeSocket(channels: kernel.channels, metrics: kernel.metrics)
        let tickets = kernel.socketTickets
        let probe = ReadinessProbe(database: kernel.database, plugins: kernel.plugins, timeout: kernel.configuration.healthTimeout)
        let (metrics, database, document) = (kernel.metrics, kernel.database, self.document)
        let token = kernel.configuration.metricsToken.map { "Bearer " + $0 }
        return [
            Route.get("health", id: "kernel.health", "Whether the process is up")
                .responds(.ok, Health.self)
                .handle { _, _ in try Self.json(Health(status: "ok", version: Kernel.version), status: .ok) },
            Route.get("ready", id: "kernel.ready", "Whether the database and every plugin can serve")
                .describe("503 while the database or a plugin's health check fails or takes longer than `PLINTH_HEALTH_TIMEOUT`.")
                .responds(.ok, Readiness.self)
                .responds(.serviceUnavailable, Readiness.self, "the database or a plugin is not healthy")
                .handle { _, _ in
                    let readiness = await probe.check()
                    let body = Readiness(
                        status: readiness.ready ? .ready : .unavailable,
                        database: .init(healthy: readiness.database.healthy, detail: readiness.database.detail),
                        plugins: readiness.plugins.mapValues { .init(healthy: $0.healthy, detail: $0.detail) }
                    )
                    return try Self.json(body, status: readiness.ready ? .ok : .serviceUnavailable)
                },
            Route.get("metrics", id: "kernel.metrics", "Prometheus metrics")
                .describe("With `PLINTH_METRICS_TOKEN` set, needs `Authorization: Bearer <token>`.")
                .header("Authorization", .string, "`Bearer` and `PLINTH_METRICS_TOKEN`, when that is set")
                .responds(.ok, schema: .string, contentType: "text/plain; version=0.0.4", "the metrics in Prometheus text format")
                .problems(.unauthorized)
                .handle { input, _ in
                    if let token, !Self.constantTimeEquals(input.request.headers[.authorization] ?? "", token) {
                        throw Problem(.unauthorized, detail: "/metrics needs 'Authorization: Bearer' with PLINTH_METRICS_TOKEN", headers: [.wwwAuthenticate: "Bearer"])
                    }
                    metrics.recordPool(database.usage.snapshot, kind: database.kind, maximum: database.maximumConnections)
                    return Response(
                        status: .ok,
                        headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: metrics.render()))
                    )
                },
            Route.get("ws", id: "kernel.realtime.socket", "Realtime channels over a WebSocket")
                .describe("""
                    Subscribe to declared channels with `{"type":"subscribe","channel":"…"}`; see the Realtime article. \
                    Credentials: `Authorization`, `X-API-Key`, the session cookie (from an allowed `Origin`), or `?ticket=` from `POST /ws/tickets`. \
                    Without any, only public channels can be subscribed to.
                    """)
                .requires(.public)
                .webSocket { connection in try await socket.run(connection) },
            Route.post("ws/tickets", id: "kernel.realtime.tickets", "A single-use ticket for /ws")
                .describe("For browsers, which cannot set headers on a WebSocket: connect to `/ws?ticket=…` within `PLINTH_REALTIME_TICKET_EXPIRY` seconds. The socket then acts with the credentials this request presented.")
                .requires(.signedIn)
                .responds(.created, Ticket.self)
                .handle { input, _ in
                    try Self.json(Ticket(ticket: try await tickets.issue(for: input.request), expiresIn: Int(tickets.expiry)), status: .created)
                },
            Route.get("openapi.json", id: "kernel.openapi", "This API as an OpenAPI 3.1 document")
                .responds(.ok, schema: Schema(type: .object), "the OpenAPI document")
                .handle { _, _ in
                    Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: try document.bytes)))
                },
        ]
    }

    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}

/// The `/openapi.json` bytes: set once after mounting when the kernel boots (an invalid
/// document stops start-up), or rendered on first use by a kernel mounted for a command, which
/// seldom serves it and would otherwise spend most of its start validating it.
final class OpenAPIHolder: Sendable {
    private enum State {
        case rendered([UInt8])
        case deferred(@Sendable () throws -> [UInt8])
    }
    private let storage = Mutex<State>(.rendered([]))
    var bytes: [UInt8] {
        get throws {
            try storage.withLock { state in
                switch state {
                case .rendered(let bytes): return bytes
                case .deferred(let render):
                    let bytes = try render()
                    state = .rendered(bytes)
                    return bytes
                }
            }
        }
    }
    func set(_ bytes: [UInt8]) { storage.withLock { $0 = .rendered(bytes) } }
    func renderLater(_ render: @escaping @Sendable () throws -> [UInt8]) { storage.withLock { $0 = .deferred(render) } }
}
