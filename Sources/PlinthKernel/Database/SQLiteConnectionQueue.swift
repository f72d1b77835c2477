import Logging
import SQLiteKit

/// The one SQLite connection, lent to one task at a time in arrival order.
///
/// SQLite allows one writer per file; sqlite-nio's busy handler retries without sleeping, so
/// several connections competing for the write lock on a two-thread pool could livelock. One
/// connection, queued, is both correct and fast enough for the embedded default.
actor SQLiteConnectionQueue {
    private let connection: SQLiteConnection
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(connection: SQLiteConnection) {
        self.connection = connection
    }

    static func open(path: String, logger: Logger) async throws -> SQLiteConnectionQueue {
        let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        let sql = connection.sql()
        // WAL lets readers in other processes (plinth migrate status) work while serve writes;
        // busy_timeout replaces the spinning busy handler with a sleeping one for those processes.
        for pragma in ["PRAGMA journal_mode = WAL", "PRAGMA busy_timeout = 5000", "PRAGMA foreign_keys = ON", "PRAGMA synchronous = NORMAL"] {
            try await sql.raw(SQLQueryString(pragma)).run()
        }
        return SQLiteConnectionQueue(connection: connection)
    }

    func acquire() async -> SQLiteConnection {
        if busy {
            await withCheckedContinuation { waiters.append($0) }
        }
        busy = true
        return connection
    }

    func release() {
        if waiters.isEmpty {
            busy = false
        } else {
            // Hand over directly: `busy` stays true for the next waiter.
            waiters.removeFirst().resume()
        }
    }

    func close() async throws {
        try await connection.close()
    }
}
