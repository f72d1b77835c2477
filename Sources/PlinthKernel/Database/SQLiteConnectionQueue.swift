import Logging
import NIOCore
import NIOPosix
import SQLiteKit
import Synchronization

/// The one SQLite connection, lent to one task at a time in arrival order.
///
/// SQLite allows one writer per file; sqlite-nio's busy handler retries without sleeping, so
/// several connections competing for the write lock on a two-thread pool could livelock. One
/// connection, queued, is both correct and fast enough for the embedded default.
///
/// A lock, not an actor: a query that finds the connection free takes it without a hop to
/// another executor, which on the signed-in path is two hops per query saved.
final class SQLiteConnectionQueue: Sendable {
    private let connection: SQLiteConnection
    private let state = Mutex<(busy: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    init(connection: SQLiteConnection) {
        self.connection = connection
    }

    /// The threads SQLite statements run on: their own, not NIO's shared blocking pool, where
    /// file I/O (storage listings, uploads) runs — four slow listings there once held every
    /// query of the instance. Each database has one connection, used by one task at a time, so
    /// one thread per core is enough for every database of the process. Started once and kept
    /// for the life of the process, as NIO's singleton pool is.
    static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: max(1, System.coreCount))
        pool.start()
        return pool
    }()

    static func open(path: String, logger: Logger) async throws -> SQLiteConnectionQueue {
        let connection = try await SQLiteConnection.open(storage: .file(path: path), threadPool: pool, logger: logger, on: MultiThreadedEventLoopGroup.singleton.any()).get()
        let sql = connection.sql()
        // WAL lets readers in other processes (plinth migrate status) work while serve writes;
        // busy_timeout replaces the spinning busy handler with a sleeping one for those processes.
        for pragma in ["PRAGMA journal_mode = WAL", "PRAGMA busy_timeout = 5000", "PRAGMA foreign_keys = ON", "PRAGMA synchronous = NORMAL"] {
            try await sql.raw(SQLQueryString(pragma)).run()
        }
        return SQLiteConnectionQueue(connection: connection)
    }

    func acquire() async -> SQLiteConnection {
        let free = state.withLock { state -> Bool in
            guard !state.busy else { return false }
            state.busy = true
            return true
        }
        if free { return connection }
        await withCheckedContinuation { (turn: CheckedContinuation<Void, Never>) in
            let taken = state.withLock { state -> Bool in
                // Released between the first look and now: take it at once.
                guard state.busy else { state.busy = true; return true }
                state.waiters.append(turn)
                return false
            }
            if taken { turn.resume() }
        }
        return connection
    }

    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiters.isEmpty {
                state.busy = false
                return nil
            }
            // Hand over directly: `busy` stays true for the next waiter.
            return state.waiters.removeFirst()
        }
        next?.resume()
    }

    func close() async throws {
        try await connection.close()
    }
}
