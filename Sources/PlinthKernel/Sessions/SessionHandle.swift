import Synchronization

/// The current request's session, shared by reference so that what a handler changes is seen
/// by ``SessionMiddleware`` when it writes the response.
///
/// ```swift
/// router.post("login") { request, context in
///     ... check the password ...
///     context.session.rotate()            // new id: stops session fixation
///     context.session.subject = user.id
///     context.session["theme"] = "dark"
/// }
/// ```
public final class SessionHandle: Sendable {
    struct State: Sendable {
        var id: String?
        var record: SessionRecord?
        var dirty = false
        var rotate = false
        var invalidate = false
    }
    let state: Mutex<State>

    init(id: String?, record: SessionRecord?) {
        state = Mutex(State(id: record == nil ? nil : id, record: record))
    }

    /// Whether a live session came with the request.
    public var exists: Bool { state.withLock { $0.record != nil } }

    /// The signed-in subject, if any. Setting it creates the session when there is none.
    public var subject: String? {
        get { state.withLock { $0.record?.subject } }
        set { mutate { $0.subject = newValue } }
    }

    public subscript(key: String) -> String? {
        get { state.withLock { $0.record?.data[key] } }
        set { mutate { $0.data[key] = newValue } }
    }

    /// Issue a new id for this session at the end of the request; the old id stops working.
    public func rotate() { state.withLock { $0.rotate = true } }

    /// End the session server-side and clear the cookie.
    public func invalidate() { state.withLock { $0.invalidate = true; $0.dirty = false } }

    private func mutate(_ change: (inout SessionRecord) -> Void) {
        state.withLock { state in
            var record = state.record ?? SessionRecord(data: [:], subject: nil, createdAt: 0, expiresAt: 0)
            change(&record)
            state.record = record
            state.dirty = true
            state.invalidate = false
        }
    }
}
