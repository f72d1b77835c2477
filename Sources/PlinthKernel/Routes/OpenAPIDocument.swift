import Crypto
import Foundation
import OpenAPIKit
import Synchronization

/// `/openapi.json`: an OpenAPI 3.1 document of every mounted route, built once at start-up
/// from the declarations (``RouteOperation``) and checked with OpenAPIKit.
///
/// Beside what a route declares it states what the kernel adds: the security schemes (bearer
/// JWT, `X-API-Key`, the session cookie with `X-CSRF-Token` on requests that change state)
/// when an auth plugin is installed, 401/403/429 from the route's policy, and 400/413/415/422
/// from its body.
public struct OpenAPIDocument: Sendable {
    public let routes: [RouteTable.Mounted]
    /// The `servers` entry: `API_BASE_URL`.
    public var serverURL: String
    /// Whether an auth plugin authenticates requests (security schemes apply).
    public var authenticating: Bool
    /// The session cookie's name (`__Host-plinth_session` behind https).
    public var sessionCookie: String

    public init(routes: [RouteTable.Mounted], serverURL: String, authenticating: Bool, sessionCookie: String) {
        self.routes = routes
        self.serverURL = serverURL
        self.authenticating = authenticating
        self.sessionCookie = sessionCookie
    }

    /// The document as JSON text, once OpenAPIKit has read and validated it.
    ///
    /// The text served is the kernel's own, not OpenAPIKit's re-encoding: OpenAPIKit models a
    /// schema with `not` (or `allOf`, `oneOf`) as that combinator alone and drops its sibling
    /// keywords (`type`, `minLength`), which would make the served contract looser than the one
    /// the kernel enforces.
    /// - Throws: ``KernelStartupError`` naming what OpenAPIKit refused.
    public func render() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let text = try encoder.encode(json)
        // Validation is a function of the text alone, and costs more than building it: a
        // process that starts many kernels with the same plugins (tests) validates once.
        let digest = Data(SHA256.hash(data: text))
        if Self.validated.withLock({ $0.contains(digest) }) { return text }
        do {
            let document = try JSONDecoder().decode(OpenAPI.Document.self, from: text)
            try document.validate()
        } catch {
            throw KernelStartupError("the OpenAPI document of the mounted routes is not valid: \(error)")
        }
        Self.validated.withLock { _ = $0.insert(digest) }
        return text
    }

    private static let validated = Mutex<Set<Data>>([])

    /// The document before OpenAPIKit reads it.
    public var json: JSONValue {
        var paths: [String: [String: JSONValue]] = [:]
        for route in routes {
            paths[RoutePath.openAPI(route.path), default: [:]][route.operation.method.rawValue.lowercased()] = operation(route)
        }
        let tags = Set(routes.flatMap(\.operation.tags)).sorted().map { JSONValue.object(["name": .string($0)]) }
        var components: [String: JSONValue] = ["schemas": ["Problem": Self.problemSchema]]
        if authenticating {
            components["securitySchemes"] = [
                "bearerAuth": ["type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "An access token from `POST /api/auth/login` or `/api/auth/refresh`."],
                "apiKeyAuth": ["type": "apiKey", "in": "header", "name": "X-API-Key", "description": "A key from `POST /api/auth/api-keys`."],
                "sessionCookie": ["type": "apiKey", "in": "cookie", "name": .string(sessionCookie), "description": "The browser session of a cookie-mode login."],
                "csrfToken": ["type": "apiKey", "in": "header", "name": "X-CSRF-Token", "description": "The `csrfToken` of the cookie-mode login; needed with the session cookie on requests that change state."],
            ]
        }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "Plinth",
                "version": .string(Kernel.version),
                "description": "Every route of the kernel and the mounted plugins. Errors are `application/problem+json` (RFC 9457); 422 answers list `errors` with JSON pointers.",
            ],
            "servers": [["url": .string(serverURL)]],
            "tags": .array(tags),
            "paths": .object(paths.mapValues { .object($0) }),
            "components": .object(components),
        ]
    }

    func operation(_ route: RouteTable.Mounted) -> JSONValue {
        let operation = route.operation
        let policy = operation.policy ?? .public
        var out: [String: JSONValue] = [
            "operationId": .string(operation.id),
            "summary": .string(operation.summary),
            "tags": .array(operation.tags.map(JSONValue.string)),
        ]
        out["description"] = .string([operation.description, policy.summary].compactMap { $0 }.joined(separator: "\n\n"))
        if let permission = policy.permission { out["x-permission"] = .string(permission) }
        if operation.deprecated { out["deprecated"] = true }

        var parameters = operation.parameters
        if policy.tenantHeader, !parameters.contains(where: { $0.location == .header && $0.name.lowercased() == "x-tenant-id" }) {
            parameters.append(RouteParameter("X-Tenant-ID", in: .header, Self.tenantID, required: false, description: "The tenant to act in."))
        }
        if !parameters.isEmpty {
            out["parameters"] = .array(parameters.map { parameter in
                var entry: [String: JSONValue] = [
                    "name": .string(parameter.name), "in": .string(parameter.location.rawValue),
                    "required": .bool(parameter.required), "schema": parameter.schema.json,
                ]
                if let description = parameter.description { entry["description"] = .string(description) }
                if parameter.location == .query, parameter.schema.type == .array { (entry["style"], entry["explode"]) = ("form", true) }
                return .object(entry)
            })
        }
        if let body = operation.body {
            out["requestBody"] = ["required": .bool(body.required), "content": [body.contentType: ["schema": body.schema.json]]]
        }

        var responses: [String: JSONValue] = [:]
        for response in operation.responses {
            var entry: [String: JSONValue] = ["description": .string(response.description)]
            if response.contentType == "application/problem+json" {
                entry["content"] = Self.problemContent
            } else if let contentType = response.contentType {
                entry["content"] = [contentType: ["schema": (response.schema ?? .any).json]]
            }
            if !response.links.isEmpty {
                entry["links"] = .object(Dictionary(uniqueKeysWithValues: response.links.map { link in
                    var value: [String: JSONValue] = ["operationId": .string(link.operationID)]
                    if !link.parameters.isEmpty { value["parameters"] = .object(link.parameters.mapValues(JSONValue.string)) }
                    if let body = link.requestBody { value["requestBody"] = body }
                    return (link.name, .object(value))
                }))
            }
            responses[String(response.status)] = .object(entry)
        }
        func add(_ status: Int, _ description: String) {
            if responses[String(status)] == nil { responses[String(status)] = ["description": .string(description), "content": Self.problemContent] }
        }
        if policy.authenticated && authenticating {
            add(401, "no credentials, or credentials that are invalid, expired or revoked")
            add(429, "too many requests with this API key; see Retry-After")
        }
        if policy.forbids && authenticating { add(403, "the caller lacks the permission, the tenant or the membership this needs") }
        if policy.tenantHeader { add(400, "X-Tenant-ID is not a tenant id") }
        if operation.rateLimited { add(429, "too many requests; see Retry-After") }
        if let body = operation.body {
            add(413, "the body is larger than the route's limit")
            if body.decoded {
                add(400, "the body is not JSON")
                add(415, "the body is not sent as application/json")
                add(422, "the body does not match the schema; `errors` lists each problem with its JSON pointer")
            }
        }
        if parameters.contains(where: { $0.location == .query }) { add(422, "a query parameter is not valid; `errors` names it") }
        if parameters.contains(where: { $0.location == .path && $0.schema != .string }) { add(404, "no such resource") }
        if responses.isEmpty { responses["200"] = ["description": "OK"] }
        out["responses"] = .object(responses)

        if policy.authenticated && authenticating {
            let changes = !["GET", "HEAD", "OPTIONS"].contains(operation.method.rawValue)
            out["security"] = [["bearerAuth": []], ["apiKeyAuth": []], changes ? ["sessionCookie": [], "csrfToken": []] : ["sessionCookie": []]]
        } else {
            out["security"] = []
        }
        return .object(out)
    }

    /// What the kernel accepts in `X-Tenant-ID` (see ``KernelRequestMiddleware``).
    static let tenantID: Schema = {
        var schema = Schema.string
        schema.pattern = "^[A-Za-z0-9_-]{1,64}$"
        return schema
    }()

    static let problemContent: JSONValue = ["application/problem+json": ["schema": ["$ref": "#/components/schemas/Problem"]]]

    /// RFC 9457 with Plinth's members.
    static let problemSchema: JSONValue = [
        "type": "object",
        "required": ["type", "title", "status"],
        "properties": [
            "type": ["type": "string", "description": "A stable URI to switch on, such as https://plinth.dev/problems/validation."],
            "title": ["type": "string"],
            "status": ["type": "integer"],
            "detail": ["type": "string"],
            "instance": ["type": "string"],
            "requestId": ["type": "string"],
            "errors": [
                "type": "array",
                "items": [
                    "type": "object",
                    "required": ["detail"],
                    "properties": [
                        "pointer": ["type": "string", "description": "RFC 6901 pointer into the body."],
                        "parameter": ["type": "string", "description": "The query or path parameter."],
                        "detail": ["type": "string"],
                    ],
                ],
            ],
        ],
    ]
}
