import Dispatch
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PlinthKernel
import Synchronization

/// What a loaded plugin's calls need from the host: its database, events, logger, and the
/// worker threads its code runs on.
struct DylibRuntime: Sendable {
    let name: String
    let database: Database
    let events: EventBus
    let logger: Logger
    /// Held around every call into a plugin that is not thread-safe.
    let serial: NIOLock?
    /// Route handlers run on the calling task's thread (PLINTH_PLUGIN_INLINE_HANDLERS).
    let inlineHandlers: Bool
    /// Largest response body a handler may write: `PLINTH_PLUGIN_RESPONSE_LIMIT`, default 64 MiB.
    var responseLimit = DylibRuntime.defaultResponseLimit
    static let defaultResponseLimit = 64 << 20

    /// Threads that run plugin code: never the network event loops, never Swift's cooperative
    /// pool (plugin code blocks, on the database among other things). `PLINTH_PLUGIN_THREADS`,
    /// default four per core, shared by every shared-object plugin: a handler waiting for the
    /// database holds its thread, so with fewer threads than queries the pool could run, the
    /// threads are the limit (on 2 cores, 4 threads served a PostgreSQL-backed route 1,773
    /// req/s, 8 served 2,259).
    static let pool: NIOThreadPool = {
        let threads = Int(ProcessInfo.processInfo.environment["PLINTH_PLUGIN_THREADS"] ?? "") ?? 4 * System.coreCount
        let pool = NIOThreadPool(numberOfThreads: max(1, threads))
        pool.start()
        return pool
    }()

    /// Runs `body` (which calls into the plugin) on a worker thread, one at a time unless the
    /// plugin is thread-safe; `inline` runs it on the calling thread (a handler that promised not
    /// to block), which spares the two thread switches of the worker hand-off.
    func run<T: Sendable>(inline: Bool = false, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        let serial = self.serial
        if inline {
            if let serial { return try serial.withLock { try body() } }
            return try body()
        }
        return try await Self.pool.runIfActive {
            if let serial { return try serial.withLock { try body() } }
            return try body()
        }
    }
}

/// Waits on a worker thread for async host work (a database query) that a plugin asked for
/// through a blocking C call. Only ever called on ``DylibRuntime/pool`` threads, so the
/// cooperative pool that runs `work` is never the one waiting.
func blockOnWorker<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
    let result = Mutex<Result<T, any Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task {
        let outcome: Result<T, any Error>
        do { outcome = .success(try await work()) } catch { outcome = .failure(error) }
        result.withLock { $0 = outcome }
        done.signal()
    }
    done.wait()
    return try result.withLock { $0! }.get()
}

import Foundation
