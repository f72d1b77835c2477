import Synchronization

/// Counts connections the kernel holds from the pool, for `/metrics`.
final class DatabasePoolUsage: Sendable {
    struct Snapshot: Sendable {
        var inUse = 0
        var acquired = 0
    }
    private let state = Mutex(Snapshot())

    func acquire() { state.withLock { $0.inUse += 1; $0.acquired += 1 } }
    func release() { state.withLock { $0.inUse -= 1 } }
    var snapshot: Snapshot { state.withLock { $0 } }
}
