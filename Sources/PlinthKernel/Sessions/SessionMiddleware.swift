import HTTPTypes
import Hummingbird

/// Loads the session named by the cookie into ``PlinthRequestContext/session`` and, after the
/// route ran without error, saves, rotates or ends it and sets the cookie.
///
/// The cookie is `HttpOnly; SameSite=Lax; Path=/`, plus `Secure` and the `__Host-` prefix when
/// `API_BASE_URL` is https.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = PlinthRequestContext
    let store: SessionStore
    let secure: Bool

    var cookieName: String { secure ? "__Host-plinth_session" : "plinth_session" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let presented = request.cookies[cookieName]?.value
        let record = try await presented.asyncMap { try await store.load($0) } ?? nil
        let handle = SessionHandle(id: presented, record: record)
        context.session = handle
        var response = try await next(request, context)
        let state = handle.state.withLock { $0 }
        if let ended = state.ended { try await store.destroy(ended) }
        if state.invalidate && !state.dirty {
            if presented != nil { response.headers.append(HTTPField(name: .setCookie, value: cookie("", maxAge: 0))) }
        } else if let id = state.id, state.record != nil {
            if state.dirty, let record = state.record { try await store.save(id, data: record.data, subject: record.subject) }
            if state.rotate, let newID = try await store.rotate(id) {
                response.headers.append(HTTPField(name: .setCookie, value: cookie(newID, maxAge: Int(store.expiry))))
            }
        } else if state.dirty, let record = state.record {
            let id = try await store.create(data: record.data, subject: record.subject)
            response.headers.append(HTTPField(name: .setCookie, value: cookie(id, maxAge: Int(store.expiry))))
        }
        return response
    }

    func cookie(_ value: String, maxAge: Int) -> String {
        var parts = ["\(cookieName)=\(value)", "Path=/", "Max-Age=\(maxAge)", "HttpOnly", "SameSite=Lax"]
        if secure { parts.append("Secure") }
        return parts.joined(separator: "; ")
    }
}

extension Optional {
    func asyncMap<U>(_ transform: (Wrapped) async throws -> U) async rethrows -> U? {
        switch self {
        case .some(let value): try await transform(value)
        case .none: nil
        }
    }
}
