import Hummingbird

/// Refuses a declared `content-length` over the limit before reading the body; bodies without
/// one are cut off by `request.body.collect(upTo: context.maxUploadSize)` and decoding.
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = PlinthRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > context.maxUploadSize {
            throw HTTPError(.contentTooLarge)
        }
        return try await next(request, context)
    }
}
