import HTTPTypes
import Hummingbird

/// CORS for the configured origins (`PLINTH_CORS_ORIGINS`, else `CLIENT_URL`; `*` allows any
/// origin without credentials). Preflight requests are answered with 204; every other response
/// to an allowed origin, errors included, carries the CORS headers.
struct CORSPolicy: Sendable {
    let origins: Set<String>
    static let methods = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
    static let headers = "authorization, content-type, x-request-id, x-tenant-id, x-csrf-token, x-api-key"

    /// The CORS headers for `request`, or nil when it has no allowed `Origin`.
    func headers(for request: Request) -> HTTPFields? {
        guard !origins.isEmpty, let origin = request.headers[.origin] else { return nil }
        let allowAny = origins.contains("*")
        guard allowAny || origins.contains(origin) else { return nil }
        var fields = HTTPFields()
        fields[.accessControlAllowOrigin] = allowAny ? "*" : origin
        if !allowAny { fields[.accessControlAllowCredentials] = "true" }
        fields[.vary] = "Origin"
        fields[.accessControlExposeHeaders] = "x-request-id, retry-after, ratelimit-limit, ratelimit-remaining, ratelimit-reset"
        return fields
    }

    /// The answer to a preflight request, or nil when `request` is not one.
    func preflight(_ request: Request, headers fields: HTTPFields) -> Response? {
        guard request.method == .options, request.headers[.accessControlRequestMethod] != nil else { return nil }
        var fields = fields
        fields[.accessControlAllowMethods] = Self.methods
        fields[.accessControlAllowHeaders] = Self.headers
        fields[.accessControlMaxAge] = "600"
        return Response(status: .noContent, headers: fields)
    }
}
