import Synchronization

/// Wakes a sleeping loop early: a notification, a freed slot or shutdown. Wake-ups while
/// nobody waits are remembered once, so none is lost between a check and the wait.
final class Wakeup: Sendable {
    private let state = Mutex<(pending: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    func wake() {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { state in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns at the next wake-up (or at once if one is pending).
    func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow: Bool = state.withLock { state in
                    if state.pending {
                        state.pending = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            wake()
        }
    }

    /// Forgets a wake-up that arrived while nobody waited, for a caller about to wait for a
    /// specific event rather than for anything new.
    func clear() {
        state.withLock { $0.pending = false }
    }

    /// Returns at the next wake-up or after `timeout`, whichever comes first. A timer firing
    /// just as a wake-up arrives may leave one spurious wake-up pending; callers re-check.
    func wait(timeout: Duration) async {
        let timer = Task {
            try? await Task.sleep(for: timeout)
            if !Task.isCancelled { self.wake() }
        }
        await wait()
        timer.cancel()
    }
}
