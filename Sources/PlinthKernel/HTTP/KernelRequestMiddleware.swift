import HTTPTypes
import Hummingbird
import Logging
import Tracing

/// The kernel's request pipeline, as one middleware so that a request pays for one hop:
/// 1. CORS: preflights answered; allowed origins get CORS headers on every response, errors too.
/// 2. Request scope: id, tenant, body limit (``RequestScope``).
/// 3. A server span, when a tracer is set up.
/// 4. Body limit, session loaded from its cookie, the route, the session written back
///    (``SessionCookies``); any error mapped to problem+json (``ProblemMapper``).
/// 5. Metrics and one access-log line tagged with plugin, route, tenant and request id.
struct KernelRequestMiddleware: RouterMiddleware {
    typealias Context = PlinthRequestContext
    let routes: RouteTable
    let metrics: KernelMetrics
    let logger: Logger
    let maxBodySize: Int
    /// `PLINTH_TRUSTED_PROXY_HOPS`.
    var proxyHops = 0
    /// Sent on every response that does not set them itself (``securityHeaders(https:)``).
    var securityHeaders = HTTPFields()
    let cors: CORSPolicy
    let sessions: SessionCookies
    /// The installed authenticator (``RequestAuthenticator``), if a plugin provides one.
    let authenticator: (any RequestAuthenticator)?
    var problems: ProblemMapper { ProblemMapper(routes: routes) }
    /// The logger's handler when it can write access lines directly (the kernel's own handlers).
    let accessWriter: (any AccessLogFormatting)?
    /// Whether a tracer was bootstrapped (`plinth serve` does so before the kernel mounts routes);
    /// read once because the global tracer sits behind a lock.
    let tracing: Bool

    init(routes: RouteTable, metrics: KernelMetrics, logger: Logger, maxBodySize: Int, cors: CORSPolicy, sessions: SessionCookies, authenticator: (any RequestAuthenticator)? = nil) {
        self.authenticator = authenticator
        self.routes = routes
        self.metrics = metrics
        self.logger = logger
        self.maxBodySize = maxBodySize
        self.cors = cors
        self.sessions = sessions
        self.accessWriter = logger.handler as? any AccessLogFormatting
        self.tracing = !(InstrumentationSystem.tracer is NoOpTracer)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let corsHeaders = cors.headers(for: request)
        if let corsHeaders, let preflight = cors.preflight(request, headers: corsHeaders) { return preflight }
        var response = await handleScoped(request, context: context, next: next)
        if let corsHeaders { response.headers.append(contentsOf: corsHeaders) }
        for field in securityHeaders where response.headers[field.name] == nil { response.headers.append(field) }
        return response
    }

    /// What every response carries unless its route says otherwise: no MIME sniffing (a JSON
    /// answer is never run as a script), no framing (clickjacking), no referrer, and on an https
    /// deployment HSTS, so a browser never tries plain http again.
    static func securityHeaders(https: Bool) -> HTTPFields {
        var fields: HTTPFields = [
            HTTPField.Name("x-content-type-options")!: "nosniff",
            HTTPField.Name("x-frame-options")!: "DENY",
            HTTPField.Name("referrer-policy")!: "no-referrer",
        ]
        if https { fields[HTTPField.Name("strict-transport-security")!] = "max-age=31536000" }
        return fields
    }

    func handleScoped(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async -> Response {
        let started = ContinuousClock.now
        var context = context
        if let problem = RequestScope.prepare(request, &context, maxBodySize: maxBodySize, trustTenantHeader: authenticator == nil, proxyHops: proxyHops) {
            var response = problem.response(instance: request.uri.path, requestID: context.requestID)
            response.headers[.requestID] = context.requestID
            finish(request, context, tenant: nil, status: Int(response.status.code), started: started, span: nil)
            return response
        }
        let prepared = context
        guard tracing else {
            // No tracer bootstrapped (no OTLP endpoint): skip building a span nobody records.
            let (response, tenant) = await respond(request, prepared, next)
            finish(request, prepared, tenant: tenant, status: Int(response.status.code), started: started, span: nil)
            return response
        }
        var serviceContext = ServiceContext.current ?? .topLevel
        InstrumentationSystem.instrument.extract(request.headers, into: &serviceContext, using: HTTPFieldsExtractor())
        return await InstrumentationSystem.tracer.withSpan("\(request.method.rawValue) \(request.uri.path)", context: serviceContext, ofKind: .server) { span in
            span.attributes["http.request.method"] = request.method.rawValue
            span.attributes["url.path"] = request.uri.path
            span.attributes["plinth.request_id"] = prepared.requestID
            let (response, tenant) = await respond(request, prepared, next)
            finish(request, prepared, tenant: tenant, status: Int(response.status.code), started: started, span: span)
            return response
        }
    }

    /// The route's response, or the problem its error maps to; always tagged with the request id.
    /// Also the request's tenant once the authenticator (if any) verified it.
    func respond(_ request: Request, _ context: Context, _ next: (Request, Context) async throws -> Response) async -> (Response, String?) {
        var response: Response
        var tenant = context.tenantID
        do {
            // A declared length over the limit is refused before the body is read; bodies without
            // one are cut off by `collect(upTo: context.maxUploadSize)` and decoding.
            var context = context
            // Only a body over the kernel's limit pays for the lookup of a route's own limit.
            if let length = request.headers[.contentLength].flatMap(Int.init), length > context.maxUploadSize {
                if let limit = routes.bodyLimit(method: request.method.rawValue, path: request.uri.path) {
                    context.maxUploadSize = limit.bytes
                    context.maxUploadSetting = limit.setting
                }
                if length > context.maxUploadSize { throw HTTPError(.contentTooLarge) }
            }
            let (session, presented) = try await sessions.load(request)
            context.session = session
            if let authenticator {
                context.authenticator = authenticator
                try await authenticator.authenticate(request, context: &context)
                tenant = context.tenantID
                if let tenant { context.logger[metadataKey: "tenant"] = .string(tenant) }
            }
            response = try await next(request, context)
            if !context.responseHeaders.isEmpty { response.headers.append(contentsOf: context.responseHeaders) }
            try await sessions.commit(session, presented: presented, to: &response)
        } catch {
            response = problems.problem(for: error, request: request, context: context).response(instance: request.uri.path, requestID: context.requestID)
        }
        response.headers[.requestID] = context.requestID
        return (response, tenant)
    }

    /// Records the request's metrics and access-log line, and completes its span.
    func finish(_ request: Request, _ context: Context, tenant: String?, status: Int, started: ContinuousClock.Instant, span: (any Span)?) {
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
            if let tenant { span.attributes["plinth.tenant"] = tenant }
            if status >= 500 { span.setStatus(.init(code: .error)) }
        }
        metrics.requestFinished(plugin: plugin, method: request.method.rawValue, route: route, status: status, duration: duration)
        guard logger.logLevel <= .info else { return }
        let micros = duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
        let line = AccessLogLine(
            requestID: context.requestID, method: request.method.rawValue, path: request.uri.path, status: status,
            duration: "\(micros / 1000).\(String(micros % 1000 / 10 + 100).dropFirst())", plugin: plugin, tenant: tenant
        )
        if let fast = accessWriter, fast.writeAccess(line, label: logger.label) { return }
        logger.info("request", metadata: line.metadata)
    }
}

struct HTTPFieldsExtractor: Extractor {
    func extract(key: String, from carrier: HTTPFields) -> String? {
        HTTPField.Name(key).flatMap { carrier[$0] }
    }
}
