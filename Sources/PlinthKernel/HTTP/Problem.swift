import Foundation
import HTTPTypes
import Hummingbird

/// An error that becomes an `application/problem+json` response (RFC 9457).
///
/// `type` is a stable URI clients can switch on; `detail` is for humans and never carries a
/// stack trace or internal error text.
///
/// ```swift
/// throw Problem(.unprocessableContent, type: "validation", detail: "name must not be empty",
///               extensions: ["field": "name"])
/// ```
public struct Problem: Error, Sendable, CustomStringConvertible {
    public static let typeBase = "https://plinth.dev/problems/"

    public var status: HTTPResponse.Status
    /// Full type URI; built from a short slug by the initialiser.
    public var type: String
    public var title: String
    public var detail: String?
    public var extensions: [String: String]
    public var headers: HTTPFields
    /// What was wrong with which part of the request (422 validation answers), as `errors`.
    public var errors: [FieldError] = []

    /// - Parameters:
    ///   - type: a slug (`validation`) expanded to `https://plinth.dev/problems/validation`, or a full URI.
    public init(_ status: HTTPResponse.Status, type: String? = nil, title: String? = nil, detail: String? = nil, extensions: [String: String] = [:], headers: HTTPFields = [:]) {
        self.status = status
        let slug = type ?? Self.slug(for: status)
        self.type = slug.contains(":") ? slug : Self.typeBase + slug
        self.title = title ?? status.reasonPhrase
        self.detail = detail
        self.extensions = extensions
        self.headers = headers
    }

    public var description: String { "\(status.code) \(type): \(detail ?? title)" }

    static func slug(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: "bad-request"
        case 401: "unauthorized"
        case 403: "forbidden"
        case 404: "not-found"
        case 405: "method-not-allowed"
        case 409: "conflict"
        case 413: "payload-too-large"
        case 415: "unsupported-media-type"
        case 422: "validation"
        case 429: "rate-limited"
        case 503: "unavailable"
        case 500...: "internal"
        default: "http-\(status.code)"
        }
    }

    /// The response: JSON body with `type`, `title`, `status`, `detail`, `instance` and extensions.
    func response(instance: String, requestID: String) -> Response {
        var body: [String: Any] = ["type": type, "title": title, "status": Int(status.code), "instance": instance, "requestId": requestID]
        if let detail { body["detail"] = detail }
        if !errors.isEmpty {
            body["errors"] = errors.map { error -> [String: String] in
                var entry = ["detail": error.detail]
                if let pointer = error.pointer { entry["pointer"] = pointer }
                if let parameter = error.parameter { entry["parameter"] = parameter }
                return entry
            }
        }
        for (key, value) in extensions where body[key] == nil { body[key] = value }
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data("{}".utf8)
        var fields = headers
        fields[.contentType] = "application/problem+json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
