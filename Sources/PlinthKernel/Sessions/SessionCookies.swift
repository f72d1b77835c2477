import HTTPTypes
import Hummingbird

/// Loads the session named by the cookie into ``PlinthRequestContext/session`` and, after the
/// route ran without error, saves, rotates or ends it and sets the cookie.
///
/// The cookie is `HttpOnly; SameSite=Lax; Path=/`, plus `Secure` and the `__Host-` prefix when
/// `API_BASE_URL` is https.
struct SessionCookies: Sendable {
    let store: SessionStore
    let secure: Bool

    var cookieName: String { secure ? "__Host-plinth_session" : "plinth_session" }

    /// The request's session (empty when no live session cookie came with it).
    func load(_ request: Request) async throws -> (handle: SessionHandle, presented: String?) {
        let presented = request.cookies[cookieName]?.value
        let record = try await presented.asyncMap { try await store.load($0) } ?? nil
        return (SessionHandle(id: presented, record: record), presented)
    }

    /// Writes what the route did to the session, and the cookie that goes with it.
    func commit(_ handle: SessionHandle, presented: String?, to response: inout Response) async throws {
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
