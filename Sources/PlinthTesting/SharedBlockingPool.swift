import Foundation
import NIOPosix
import Synchronization

/// Runs `body` while every thread of NIO's shared blocking pool (where file I/O runs) is held,
/// to show that `body` does not queue behind file work.
///
/// The holders let go as soon as `body` returns, so the pool — shared by every test of the
/// process — is held only as long as `body` takes, at most `limit` seconds (default 30).
/// - Returns: `body`'s result, and whether a holder let go because `limit` passed first: true
///   means `body` waited for the pool.
public func whileTheSharedBlockingPoolIsFull<T: Sendable>(
    limit: Double = 30,
    _ body: () async throws -> T
) async throws -> (result: T, waited: Bool) {
    let holders = PoolHolders()
    let threads = ProcessInfo.processInfo.activeProcessorCount
    // More holders than threads: whatever the pool's size, every thread is taken.
    let tasks = (0..<(2 * threads)).map { _ in
        Task {
            try await NIOThreadPool.singleton.runIfActive {
                holders.running.add(1, ordering: .relaxed)
                let deadline = Date().addingTimeInterval(limit)
                while !holders.released.load(ordering: .relaxed) {
                    if Date() >= deadline { holders.timedOut.add(1, ordering: .relaxed); return }
                    Thread.sleep(forTimeInterval: 0.005)
                }
            }
        }
    }
    while holders.running.load(ordering: .relaxed) == 0 { try await Task.sleep(for: .milliseconds(5)) }
    try await Task.sleep(for: .milliseconds(50))
    let result: T
    do {
        result = try await body()
    } catch {
        holders.released.store(true, ordering: .relaxed)
        for task in tasks { _ = try? await task.value }
        throw error
    }
    let waited = holders.timedOut.load(ordering: .relaxed) > 0
    holders.released.store(true, ordering: .relaxed)
    for task in tasks { try await task.value }
    return (result, waited)
}

/// What the holders of ``whileTheSharedBlockingPoolIsFull(limit:_:)`` share.
private final class PoolHolders: Sendable {
    let released = Atomic<Bool>(false)
    let running = Atomic<Int>(0)
    let timedOut = Atomic<Int>(0)
}
