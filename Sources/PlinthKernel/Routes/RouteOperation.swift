import HTTPTypes

/// What a route declares about itself: everything `/openapi.json` says about the operation.
public struct RouteOperation: Sendable {
    public var method: HTTPRequest.Method
    /// Relative to the plugin's base path; `{name}` (or `:name`) for parameters, `**` for the rest.
    public var path: String
    /// Unique across the server and stable across releases: `auth.login`, `storage.objects.get`.
    public var id: String
    public var summary: String
    public var description: String?
    /// Default: the plugin's id.
    public var tags: [String] = []
    /// `nil` until stated; a route mounted without a policy (its own or its group's) stops start-up.
    public var policy: RoutePolicy?
    public var parameters: [RouteParameter] = []
    public var body: RequestBodySpec?
    public var responses: [ResponseSpec] = []
    /// The route's own body limit; default `PLINTH_MAX_BODY_SIZE`.
    public var bodyLimit: RouteBodyLimit?
    /// Whether the route answers 429 beyond what the authenticator's limits add.
    public var rateLimited = false
    public var deprecated = false
}

/// A path, query or header parameter.
public struct RouteParameter: Sendable {
    public enum Location: String, Sendable { case path, query, header, cookie }
    public var name: String
    public var location: Location
    public var schema: Schema
    public var required: Bool
    public var description: String?

    public init(_ name: String, in location: Location, _ schema: Schema = .string, required: Bool? = nil, description: String? = nil) {
        self.name = name
        self.location = location
        self.schema = schema
        self.required = required ?? (location == .path)
        self.description = description
    }
}

/// The request body a route reads: JSON validated against `schema`, or raw bytes.
public struct RequestBodySpec: Sendable {
    public var contentType: String
    public var schema: Schema
    public var required: Bool
    /// Whether the kernel validates and decodes it (JSON); raw bodies reach the handler as sent.
    public var decoded: Bool
}

/// One answer a route gives.
public struct ResponseSpec: Sendable {
    public var status: Int
    public var description: String
    /// `nil` for an empty body.
    public var contentType: String?
    public var schema: Schema?
    public var headers: [String: Schema] = [:]
    /// OpenAPI links from this answer to other operations (`$response.body#/id` → a parameter).
    public var links: [Link] = []

    public struct Link: Sendable {
        public var name: String
        public var operationID: String
        /// Target parameter name → runtime expression.
        public var parameters: [String: String]
        /// The target's body: a runtime expression, or JSON with expressions as string values.
        public var requestBody: JSONValue?
    }

    public init(status: Int, description: String, contentType: String? = nil, schema: Schema? = nil) {
        self.status = status
        self.description = description
        self.contentType = contentType
        self.schema = schema
    }
}
