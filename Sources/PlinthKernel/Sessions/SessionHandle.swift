import Synchronization

/// The current request's session, shared by reference so that what a handler changes is seen
/// by the kernel when it writes the response (``SessionCookies``).
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
        /// A session ended in this request, deleted by the middleware even if a new one starts.
        var ended: String?
        var invalidate = false
    }
    let state: Mutex<State>

    init(id: String?, record: SessionRecord?) {
        state = Mutex(State(id: record == nil ? nil : id, record: record))
    }

    /// Whether a live session came with the request.
    public var exists: Bool { state.withLock { $0.record != nil } }

    /// The signed-in subject, if any. Setting it creates the session when there is none; changing
    /// it on an existing session also gives the session a new id (no session fixation at login).
    public var subject: String? {
        get { state.withLock { $0.record?.subject } }
        set {
            let changed = state.withLock { $0.id != nil && $0.record?.subject != newValue }
            mutate { $0.subject = newValue }
            if changed { rotate() }
        }
    }

    public subscript(key: String) -> String? {
        get { state.withLock { $0.record?.data[key] } }
        set { mutate { $0.data[key] = newValue } }
    }

    /// Issue a new id for this session at the end of the request; the old id stops working.
    public func rotate() { state.withLock { $0.rotate = true } }

    /// End the session server-side and clear the cookie. Writing to the session afterwards
    /// starts a new, empty one with a new id.
    public func invalidate() {
        state.withLock { state in
            state.ended = state.id ?? state.ended
            state.id = nil
            state.record = nil
            state.dirty = false
            state.rotate = false
            state.invalidate = true
        }
    }

    private func mutate(_ change: (inout SessionRecord) -> Void) {
        state.withLock { state in
            var record = state.record ?? SessionRecord(data: [:], subject: nil, createdAt: 0, expiresAt: 0)
            change(&record)
            state.record = record
            state.dirty = true
        }
    }
}
