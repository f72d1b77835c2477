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
        var serviceContext = ServiceContext.current ?? .topLevel
        InstrumentationSystem.instrument.extract(request.headers, into: &serviceContext, using: HTTPFieldsExtractor())
        return try await InstrumentationSystem.tracer.withSpan("\(request.method.rawValue) \(request.uri.path)", context: serviceContext, ofKind: .server) { span in
            span.attributes["http.request.method"] = request.method.rawValue
            span.attributes["url.path"] = request.uri.path
            span.attributes["plinth.request_id"] = context.requestID
            if let tenant = context.tenantID { span.attributes["plinth.tenant"] = tenant }
            var status = 500
            var route = "unmatched"
            var plugin = "kernel"
            defer {
                let duration = ContinuousClock.now - started
                if let endpoint = context.coreContext.endpointPath.value {
                    route = endpoint
                    plugin = routes.plugin(method: request.method.rawValue, endpoint: endpoint) ?? "kernel"
                }
                span.operationName = "\(request.method.rawValue) \(route)"
                span.attributes["http.route"] = route
                span.attributes["http.response.status_code"] = status
                span.attributes["plinth.plugin"] = plugin
                if status >= 500 { span.setStatus(.init(code: .error)) }
                metrics.requestFinished(plugin: plugin, method: request.method.rawValue, route: route, status: status, duration: duration)
                let ms = Double(duration.components.attoseconds) / 1e15 + Double(duration.components.seconds) * 1000
                var metadata: Logger.Metadata = [
                    "request_id": .string(context.requestID), "method": .string(request.method.rawValue),
                    "path": .string(request.uri.path), "status": .stringConvertible(status),
                    "duration_ms": .string(String(format: "%.2f", ms)), "plugin": .string(plugin),
                ]
                if let tenant = context.tenantID { metadata["tenant"] = .string(tenant) }
                logger.info("request", metadata: metadata)
            }
            let response = try await next(request, context)
            status = Int(response.status.code)
            return response
        }
    }
}

struct HTTPFieldsExtractor: Extractor {
    func extract(key: String, from carrier: HTTPFields) -> String? {
        HTTPField.Name(key).flatMap { carrier[$0] }
    }
}
