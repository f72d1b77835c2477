import Foundation
import Hummingbird

/// `/health` (live), `/ready` (database and plugins), `/metrics` (Prometheus text).
struct KernelRoutes {
    let kernel: RunningKernel

    func mount() throws {
        let routes = kernel.routes
        let router = kernel.router
        try routes.claim(method: "GET", path: "/health", plugin: "kernel")
        router.get("/health") { _, _ in
            Self.json(["status": "ok", "version": Kernel.version], status: .ok)
        }
        try routes.claim(method: "GET", path: "/ready", plugin: "kernel")
        let probe = ReadinessProbe(database: kernel.database, plugins: kernel.plugins, timeout: kernel.configuration.healthTimeout)
        let metrics = kernel.metrics
        let database = kernel.database
        router.get("/ready") { _, _ in
            let readiness = await probe.check()
            var plugins: [String: Any] = [:]
            for (id, health) in readiness.plugins {
                var entry: [String: Any] = ["healthy": health.healthy]
                if let detail = health.detail { entry["detail"] = detail }
                plugins[id] = entry
            }
            let body: [String: Any] = [
                "status": readiness.ready ? "ready" : "unavailable",
                "database": readiness.database.detail.map { ["healthy": readiness.database.healthy, "detail": $0] } ?? ["healthy": readiness.database.healthy],
                "plugins": plugins,
            ]
            return Self.json(body, status: readiness.ready ? .ok : .serviceUnavailable)
        }
        try routes.claim(method: "GET", path: "/metrics", plugin: "kernel")
        let token = kernel.configuration.metricsToken.map { "Bearer " + $0 }
        router.get("/metrics") { request, _ in
            if let token, !Self.constantTimeEquals(request.headers[.authorization] ?? "", token) {
                throw Problem(.unauthorized, detail: "/metrics needs 'Authorization: Bearer' with PLINTH_METRICS_TOKEN", headers: [.wwwAuthenticate: "Bearer"])
            }
            metrics.recordPool(database.usage.snapshot, kind: database.kind, maximum: database.maximumConnections)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: metrics.render()))
            )
        }
    }

    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func json(_ object: [String: Any], status: HTTPResponse.Status) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
