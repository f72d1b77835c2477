import HTTPTypes
import Hummingbird

/// CORS for the configured origins (`PLINTH_CORS_ORIGINS`, else `CLIENT_URL`; `*` allows any
/// origin without credentials). Answers preflight requests itself with 204.
struct CORSPolicyMiddleware: RouterMiddleware {
    typealias Context = PlinthRequestContext
    let origins: Set<String>
    static let methods = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
    static let headers = "authorization, content-type, x-request-id, x-tenant-id, x-csrf-token, x-api-key"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin] else { return try await next(request, context) }
        let allowAny = origins.contains("*")
        guard allowAny || origins.contains(origin) else { return try await next(request, context) }
        var fields = HTTPFields()
        fields[.accessControlAllowOrigin] = allowAny ? "*" : origin
        if !allowAny { fields[.accessControlAllowCredentials] = "true" }
        fields[.vary] = "Origin"
        fields[.accessControlExposeHeaders] = "x-request-id, retry-after, ratelimit-limit, ratelimit-remaining, ratelimit-reset"
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            fields[.accessControlAllowMethods] = Self.methods
            fields[.accessControlAllowHeaders] = Self.headers
            fields[.accessControlMaxAge] = "600"
            return Response(status: .noContent, headers: fields)
        }
        var response = try await next(request, context)
        response.headers.append(contentsOf: fields)
        return response
    }
}
