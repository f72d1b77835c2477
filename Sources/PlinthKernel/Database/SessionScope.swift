import Synchronization

/// Whether a task-local database session may still be used, and what it holds back until commit.
///
/// Task-locals are copied into `Task {}` blocks started inside a transaction; such a task may
/// outlive the transaction, so every use checks ``isLive`` and falls back to a connection of its
/// own once the transaction has ended.
final class SessionScope: Sendable {
    /// `true` for a transaction, `false` for a plain held connection.
    let transaction: Bool
    private let state = Mutex<(live: Bool, pending: [(String, String)])>((true, []))

    init(transaction: Bool) { self.transaction = transaction }

    var isLive: Bool { state.withLock { $0.live } }

    /// Holds an in-process notification until commit. Returns `false` when the scope has ended.
    func holdBack(channel: String, payload: String) -> Bool {
        state.withLock { state in
            guard state.live else { return false }
            state.pending.append((channel, payload))
            return true
        }
    }

    /// Ends the scope; returns the notifications held back (sent on commit, dropped on rollback).
    @discardableResult
    func end() -> [(String, String)] {
        state.withLock { state in
            state.live = false
            defer { state.pending = [] }
            return state.pending
        }
    }
}
