import Foundation
import Hummingbird

/// How `request.decode(as:context:)` reads a body on every route: JSON, and only when the
/// request says it is JSON (`application/json` or a `+json` type).
///
/// A browser sends a cross-site `text/plain`, form or multipart body, or one with no type at
/// all, without asking first (no CORS preflight); a JSON type it sends only after the preflight,
/// which an unlisted origin fails. Refusing other types therefore stops a cross-site page from
/// driving a JSON route with the visitor's cookies: login CSRF, among others.
public struct JSONBodyDecoder: RequestDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        guard Self.isJSON(request.headers[.contentType]) else {
            throw Problem(.unsupportedMediaType, type: "unsupported-media-type",
                          detail: "send the body as JSON with 'Content-Type: application/json' (got \(request.headers[.contentType].map { "'\($0)'" } ?? "no Content-Type"))")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try await decoder.decode(type, from: request, context: context)
    }

    /// Whether `contentType` names JSON, parameters (`; charset=utf-8`) aside.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let type = contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() else { return false }
        return type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json"))
    }
}
