import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Maps every error to a ``Problem`` for an `application/problem+json` response: ``Problem`` as
/// given, Hummingbird's `HTTPError` by its status, well-formed JSON of the wrong shape as 422,
/// anything else as 500 with the error logged and a generic detail. An unmatched path whose
/// pattern exists for other methods gets 405 with `Allow`.
struct ProblemMapper {
    let routes: RouteTable

    func problem(for error: any Error, request: Request, context: PlinthRequestContext) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let error as HTTPError:
            if error.status == .notFound {
                let allowed = routes.allowedMethods(path: request.uri.path)
                if !allowed.isEmpty && !allowed.contains(request.method.rawValue) {
                    var headers = HTTPFields()
                    headers[.allow] = allowed.joined(separator: ", ")
                    return Problem(.methodNotAllowed, detail: "\(request.method) is not allowed on \(request.uri.path); allowed: \(allowed.joined(separator: ", "))", headers: headers)
                }
                return Problem(.notFound, detail: error.body ?? (allowed.isEmpty ? "no route matches \(request.method) \(request.uri.path)" : nil))
            }
            if error.status == .contentTooLarge {
                return Problem(.contentTooLarge, detail: "the request body is larger than the \(context.maxUploadSize)-byte limit (\(context.maxUploadSetting))")
            }
            // Hummingbird reports well-formed JSON of the wrong shape as 400 with these messages.
            if error.status == .badRequest, let body = error.body,
               ["Coding key `", "Value not found for `", "Type mismatch for `"].contains(where: body.hasPrefix) {
                return Problem(.unprocessableContent, type: "validation", detail: body)
            }
            // A 5xx body may carry internals; clients get the generic detail.
            return Problem(error.status, detail: error.status.code >= 500 ? nil : error.body, headers: error.headers)
        case is NIOTooManyBytesError:
            // A body without a declared length (chunked) that grew past the limit while collected.
            return Problem(.contentTooLarge, detail: "the request body is larger than the \(context.maxUploadSize)-byte limit (\(context.maxUploadSetting))")
        case is DecodingError:
            return Problem(.unprocessableContent, type: "validation", detail: "the request body does not match the expected shape")
        case let error as CircuitOpenError:
            var headers = HTTPFields()
            headers[.retryAfter] = String(Int(error.retryAfter.rounded(.up)))
            return Problem(.serviceUnavailable, detail: "a dependency is unavailable; retry later", headers: headers)
        default:
            // describe() gives the database's message without the SQL and bound values.
            context.logger.error("unhandled error", metadata: ["error": "\(DatabaseError.describe(error))", "type": "\(type(of: error))"])
            return Problem(.internalServerError, detail: "an internal error occurred; quote the request id when reporting it")
        }
    }
}
