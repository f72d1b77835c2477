/// A request as a Swift plugin handler sees it (copied from the host's borrowed view).
public struct PluginRequest {
    public let method: String
    /// The full path, e.g. `/api/hello/greetings/ann`.
    public let path: String
    public let query: String
    public let body: [UInt8]
    /// Lower-case names.
    public let headers: [String: String]
    /// The route's `:name` parameters, decoded.
    public let parameters: [String: String]
    /// The caller's verified tenant, or empty.
    public let tenant: String
    /// The caller's verified user id, or empty.
    public let subject: String
    /// The database and events, inside the request's tenant.
    public let call: PluginCall

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// What a handler answers.
public struct PluginResponse {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A text response (`text/plain; charset=utf-8`).
    public init(status: Int = 200, text: String) {
        self.init(status: status, headers: [("content-type", "text/plain; charset=utf-8")], body: Array(text.utf8))
    }

    /// A JSON response; `json` must already be JSON text.
    public init(status: Int = 200, json: String) {
        self.init(status: status, headers: [("content-type", "application/json")], body: Array(json.utf8))
    }
}
