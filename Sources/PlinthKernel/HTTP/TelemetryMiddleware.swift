import HTTPTypes
import Hummingbird
import Logging
import Tracing

/// One access-log line, the request metrics and a server span per request, each tagged with
/// the owning plugin, the route pattern, the tenant and the request id.
struct TelemetryMiddleware: RouterMiddleware {
    typealias Context = PlinthRequestContext
    let routes: RouteTable
    let metrics: KernelMetrics
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        guard !(InstrumentationSystem.tracer is NoOpTracer) else {
            // No tracer bootstrapped (no OTLP endpoint): skip building a span nobody records.
            var status = 500
            defer { finish(request, context, status: status, started: started, span: nil) }
            let response = try await next(request, context)
            status = Int(response.status.code)
            return response
        }
        var serviceContext = ServiceContext.current ?? .topLevel
        InstrumentationSystem.instrument.extract(request.headers, into: &serviceContext, using: HTTPFieldsExtractor())
        return try await InstrumentationSystem.tracer.withSpan("\(request.method.rawValue) \(request.uri.path)", context: serviceContext, ofKind: .server) { span in
            span.attributes["http.request.method"] = request.method.rawValue
            span.attributes["url.path"] = request.uri.path
            span.attributes["plinth.request_id"] = context.requestID
            if let tenant = context.tenantID { span.attributes["plinth.tenant"] = tenant }
            var status = 500
            defer { finish(request, context, status: status, started: started, span: span) }
            let response = try await next(request, context)
            status = Int(response.status.code)
            return response
        }
    }

    /// Records the request's metrics and access-log line, and completes its span.
    func finish(_ request: Request, _ context: Context, status: Int, started: ContinuousClock.Instant, span: (any Span)?) {
        let duration = ContinuousClock.now - started
        var route = "unmatched"
        var plugin = "kernel"
        if let endpoint = context.coreContext.endpointPath.value {
            route = endpoint
            plugin = routes.plugin(method: request.method.rawValue, endpoint: endpoint) ?? "kernel"
        }
        if let span {
            span.operationName = "\(request.method.rawValue) \(route)"
            span.attributes["http.route"] = route
            span.attributes["http.response.status_code"] = status
            span.attributes["plinth.plugin"] = plugin
            if status >= 500 { span.setStatus(.init(code: .error)) }
        }
        metrics.requestFinished(plugin: plugin, method: request.method.rawValue, route: route, status: status, duration: duration)
        guard logger.logLevel <= .info else { return }
        let micros = duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
        var metadata: Logger.Metadata = [
            "request_id": .string(context.requestID), "method": .string(request.method.rawValue),
            "path": .string(request.uri.path), "status": .stringConvertible(status),
            "duration_ms": .string("\(micros / 1000).\(String(micros % 1000 / 10 + 100).dropFirst())"), "plugin": .string(plugin),
        ]
        if let tenant = context.tenantID { metadata["tenant"] = .string(tenant) }
        logger.info("request", metadata: metadata)
    }
}

struct HTTPFieldsExtractor: Extractor {
    func extract(key: String, from carrier: HTTPFields) -> String? {
        HTTPField.Name(key).flatMap { carrier[$0] }
    }
}
