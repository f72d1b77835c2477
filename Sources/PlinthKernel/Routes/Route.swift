import Foundation
import HTTPTypes
import Hummingbird

/// A route as a value: its declaration (``RouteOperation``) and its handler. Plugins build
/// them with ``Route/get(_:id:_:)`` and friends, chain what the route needs, finish with
/// ``Endpoint/handle(_:)`` and mount them with ``PluginRoutes/add(_:policy:)``:
///
/// ```swift
/// var routes: [Route] {
///     [
///         Route.post("items", id: "notes.items.create", "Create an item")
///             .requires(.permission("notes.write"))
///             .body(CreateItem.self)
///             .responds(.created, Item.self)
///             .problems(.conflict)
///             .handle { input, context in try await create(input.body, context) },
///     ]
/// }
/// ```
///
/// Before the handler runs the kernel checks the policy (401/403), then reads the body: 415
/// unless it is JSON, 400 when it does not parse, 422 with an `errors` list of JSON pointers
/// when it breaks the schema. The handler gets the decoded value.
public struct Route: Sendable {
    public var operation: RouteOperation
    let run: @Sendable (Request, PlinthRequestContext) async throws -> Response
    /// Set for a WebSocket route (``Endpoint/webSocket(_:)``): what runs once the upgrade is
    /// accepted. A plain GET of the path then answers 426.
    var webSocket: WebSocketHandler?

    init(operation: RouteOperation, run: @escaping @Sendable (Request, PlinthRequestContext) async throws -> Response) {
        self.operation = operation
        self.run = run
    }

    public static func get(_ path: String, id: String, _ summary: String) -> Endpoint<NoBody, NoQuery> { Endpoint(.get, path, id, summary) }
    public static func post(_ path: String, id: String, _ summary: String) -> Endpoint<NoBody, NoQuery> { Endpoint(.post, path, id, summary) }
    public static func put(_ path: String, id: String, _ summary: String) -> Endpoint<NoBody, NoQuery> { Endpoint(.put, path, id, summary) }
    public static func patch(_ path: String, id: String, _ summary: String) -> Endpoint<NoBody, NoQuery> { Endpoint(.patch, path, id, summary) }
    public static func delete(_ path: String, id: String, _ summary: String) -> Endpoint<NoBody, NoQuery> { Endpoint(.delete, path, id, summary) }
    public static func head(_ path: String, id: String, _ summary: String) -> Endpoint<NoBody, NoQuery> { Endpoint(.head, path, id, summary) }
    public static func on(_ method: HTTPRequest.Method, _ path: String, id: String, _ summary: String) -> Endpoint<NoBody, NoQuery> { Endpoint(method, path, id, summary) }
}

/// What a handler receives: the decoded body and query, and the request itself (headers,
/// a raw body, the path parameters through `context.parameters`).
public struct RouteInput<Body: Sendable, Query: Sendable>: Sendable {
    public let body: Body
    public let query: Query
    public let request: Request
}

/// A route without a JSON body (or with a raw one, read from `input.request.body`).
public struct NoBody: Sendable, Decodable {}
/// A route without declared query parameters.
public struct NoQuery: Sendable, Decodable {}

/// A route being declared; ``handle(_:)`` makes it a ``Route``.
public struct Endpoint<Body: Sendable, Query: Sendable>: Sendable {
    public var operation: RouteOperation
    let readBody: @Sendable (Request, PlinthRequestContext) async throws -> Body
    let readQuery: @Sendable (Request) throws -> Query

    init(_ method: HTTPRequest.Method, _ path: String, _ id: String, _ summary: String) where Body == NoBody, Query == NoQuery {
        operation = RouteOperation(method: method, path: path, id: id, summary: summary)
        operation.parameters = RoutePath.parameterNames(path).map { RouteParameter($0, in: .path) }
        readBody = { _, _ in NoBody() }
        readQuery = { _ in NoQuery() }
    }

    init(operation: RouteOperation, readBody: @escaping @Sendable (Request, PlinthRequestContext) async throws -> Body, readQuery: @escaping @Sendable (Request) throws -> Query) {
        self.operation = operation
        self.readBody = readBody
        self.readQuery = readQuery
    }

    private func with(_ change: (inout RouteOperation) -> Void) -> Self {
        var copy = self
        change(&copy.operation)
        return copy
    }

    /// Who may call it; see ``RoutePolicy``. Routes without one take their group's.
    public func requires(_ policy: RoutePolicy) -> Self { with { $0.policy = policy } }
    public func tags(_ tags: String...) -> Self { with { $0.tags = tags } }
    /// Longer Markdown text under the summary.
    public func describe(_ text: String) -> Self { with { $0.description = text } }
    public func deprecated() -> Self { with { $0.deprecated = true } }
    /// Documents 429 with `Retry-After`: the handler applies a rate limit of its own.
    public func rateLimited() -> Self { with { $0.rateLimited = true } }
    /// The route's own body limit (uploads raise it).
    public func bodyLimit(_ limit: RouteBodyLimit) -> Self { with { $0.bodyLimit = limit } }

    /// The schema of path parameter `name` (default: a string). A value that breaks it answers
    /// 404 before the handler runs, as no such resource can exist.
    public func path(_ name: String, _ schema: Schema, _ description: String? = nil) -> Self {
        with { operation in
            guard let index = operation.parameters.firstIndex(where: { $0.location == .path && $0.name == name }) else {
                operation.parameters.append(RouteParameter(name, in: .path, schema, description: "undeclared in the path"))
                return
            }
            operation.parameters[index].schema = schema
            operation.parameters[index].description = description
        }
    }

    /// Documents a request header the handler reads.
    public func header(_ name: String, _ schema: Schema = .string, required: Bool = false, _ description: String? = nil) -> Self {
        with { $0.parameters.append(RouteParameter(name, in: .header, schema, required: required, description: description)) }
    }

    /// A JSON body of type `T`, validated against `T`'s schema and decoded before the handler runs.
    /// - Parameter refine: adjusts `T`'s schema for this route (bounds from settings).
    public func body<T: Decodable & Sendable>(_ type: T.Type, _ description: String? = nil, refine: (inout Schema) -> Void = { _ in }) -> Endpoint<T, Query> {
        var refined = RouteDecoding.schema(T.self)
        refine(&refined)
        let schema = refined
        var operation = operation
        operation.body = RequestBodySpec(contentType: "application/json", schema: description.map(schema.described) ?? schema, required: true, decoded: true)
        return Endpoint<T, Query>(operation: operation, readBody: { request, context in
            try await RouteDecoding.body(T.self, schema: schema, request: request, context: context)!
        }, readQuery: readQuery)
    }

    /// A JSON body that may be left out (empty); the handler gets `nil` then.
    public func optionalBody<T: Decodable & Sendable>(_ type: T.Type, _ description: String? = nil, refine: (inout Schema) -> Void = { _ in }) -> Endpoint<T?, Query> {
        var refined = RouteDecoding.schema(T.self)
        refine(&refined)
        let schema = refined
        var operation = operation
        operation.body = RequestBodySpec(contentType: "application/json", schema: description.map(schema.described) ?? schema, required: false, decoded: true)
        return Endpoint<T?, Query>(operation: operation, readBody: { request, context in
            try await RouteDecoding.body(T.self, schema: schema, request: request, context: context, required: false)
        }, readQuery: readQuery)
    }

    /// A JSON body checked against `schema` (given as a value: the escape hatch for bodies with no
    /// Swift type, such as a shared object's), handed to the handler as the bytes sent; `nil`
    /// when it is empty and not `required`.
    public func jsonBody(_ schema: Schema, required: Bool = true) -> Endpoint<ByteBuffer?, Query> {
        var operation = operation
        operation.body = RequestBodySpec(contentType: "application/json", schema: schema, required: required, decoded: true)
        return Endpoint<ByteBuffer?, Query>(operation: operation, readBody: { request, context in
            try await RouteDecoding.json(schema: schema, request: request, context: context, required: required)
        }, readQuery: readQuery)
    }

    /// A body the handler streams itself from `input.request.body` (uploads).
    public func rawBody(_ contentType: String = "application/octet-stream", schema: Schema = .binary, required: Bool = true) -> Self {
        with { $0.body = RequestBodySpec(contentType: contentType, schema: schema, required: required, decoded: false) }
    }

    /// Query parameters: each member of `T` is one (a `[String]` member repeats), checked
    /// against `T`'s schema (422 naming the parameter) and decoded before the handler runs.
    public func query<T: Decodable & Sendable>(_ type: T.Type) -> Endpoint<Body, T> {
        let schema = RouteDecoding.schema(T.self)
        var operation = operation
        operation.parameters += schema.properties.map {
            RouteParameter($0.name, in: .query, $0.schema, required: $0.required, description: $0.schema.description)
        }
        return Endpoint<Body, T>(operation: operation, readBody: readBody, readQuery: { request in
            try RouteDecoding.query(T.self, schema: schema, request: request)
        })
    }

    /// An answer with a JSON body of type `T` (documented from `T`'s schema).
    public func responds<T: Decodable>(_ status: HTTPResponse.Status, _ type: T.Type, _ description: String? = nil) -> Self {
        responds(status, schema: RouteDecoding.schema(T.self), description)
    }

    /// An answer with a JSON body described by `schema`, or with none.
    public func responds(_ status: HTTPResponse.Status, schema: Schema? = nil, contentType: String = "application/json", _ description: String? = nil) -> Self {
        with { $0.responses.append(ResponseSpec(status: status.code, description: description ?? status.reasonPhrase, contentType: schema == nil ? nil : contentType, schema: schema)) }
    }

    /// An answer that streams: Server-Sent Events, or raw bytes of `contentType`.
    public func streams(_ status: HTTPResponse.Status = .ok, _ stream: RouteStream, _ description: String? = nil) -> Self {
        switch stream {
        case .serverSentEvents:
            // OpenAPI describes an event stream by its events, each parsed into these fields.
            responds(status, schema: Self.event, contentType: "text/event-stream", description ?? "a stream of Server-Sent Events")
        case .bytes(let contentType):
            responds(status, schema: .binary, contentType: contentType, description ?? "the bytes")
        case .webSocket:
            with { $0.responses.append(ResponseSpec(status: 101, description: description ?? "switches to a WebSocket")) }
        }
    }

    static var event: Schema {
        .object([
            .init("data", .string.described("the event's data, JSON for Plinth's events")),
            .init("event", .string.described("the event's name"), required: false),
            .init("id", .string, required: false),
            .init("retry", .integer, required: false),
        ])
    }

    /// Error answers the handler gives besides those the kernel documents (401/403 from the
    /// policy, 400/413/415/422 from the body), each as problem+json.
    public func problems(_ statuses: HTTPResponse.Status...) -> Self {
        with { operation in
            for status in statuses where !operation.responses.contains(where: { $0.status == status.code }) {
                operation.responses.append(ResponseSpec(status: status.code, description: status.reasonPhrase, contentType: "application/problem+json", schema: nil))
            }
        }
    }

    /// An OpenAPI link from the `status` answer to operation `target`: `parameters` maps the
    /// target's parameter names to runtime expressions such as `$response.body#/id`.
    public func link(_ status: HTTPResponse.Status, _ name: String, to target: String, parameters: [String: String] = [:], requestBody: JSONValue? = nil) -> Self {
        with { operation in
            guard let index = operation.responses.firstIndex(where: { $0.status == status.code }) else { return }
            operation.responses[index].links.append(.init(name: name, operationID: target, parameters: parameters, requestBody: requestBody))
        }
    }

    /// The handler: gets the decoded input and the context the policy let through.
    public func handle(_ handler: @escaping @Sendable (RouteInput<Body, Query>, PlinthRequestContext) async throws -> some ResponseGenerator) -> Route {
        let (readBody, readQuery) = (self.readBody, self.readQuery)
        let rest = operation.path.split(separator: "/").contains("**")
        let pathChecks = operation.parameters.filter { $0.location == .path && $0.schema != .string }
        return Route(operation: operation) { request, context in
            for parameter in pathChecks {
                if rest && parameter.name == "path" {
                    // The rest of a `**` path: its schema is one segment's, as OpenAPI has no
                    // parameter spanning '/'; every segment must match it.
                    let raw = context.parameters.get(String(Parameters.recursiveCaptureKey)) ?? ""
                    for segment in raw.split(separator: "/", omittingEmptySubsequences: false) {
                        let decoded = segment.removingPercentEncoding ?? String(segment)
                        if let problem = RouteDecoding.pathProblem(decoded, parameter) { throw problem }
                    }
                    continue
                }
                let value = context.parameters.get(parameter.name) ?? ""
                if let problem = RouteDecoding.pathProblem(value, parameter) { throw problem }
            }
            let query = try readQuery(request)
            let body = try await readBody(request, context)
            return try await handler(RouteInput(body: body, query: query, request: request), context).response(from: request, context: context)
        }
    }
}

/// How a route streams its answer.
public enum RouteStream: Sendable {
    case serverSentEvents
    case bytes(contentType: String)
    /// Upgrades to a WebSocket (101).
    case webSocket
}

enum RoutePath {
    /// `{id}` and `:id` segments; `**` is the parameter `path` (the rest, '/' and all).
    static func parameterNames(_ path: String) -> [String] {
        path.split(separator: "/").compactMap { segment in
            if segment == "**" { return "path" }
            if segment.hasPrefix(":") { return String(segment.dropFirst()) }
            if segment.hasPrefix("{") && segment.hasSuffix("}") { return String(segment.dropFirst().dropLast()) }
            return nil
        }
    }

    /// `:id` spelt `{id}`, as OpenAPI writes it; `**` becomes `{path}`.
    static func openAPI(_ path: String) -> String {
        "/" + path.split(separator: "/").map { segment -> String in
            if segment.hasPrefix(":") { return "{" + segment.dropFirst() + "}" }
            if segment == "**" { return "{path}" }
            return String(segment)
        }.joined(separator: "/")
    }
}
