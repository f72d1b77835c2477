import SQLKit

extension Database {
    /// Runs `body` while holding the cluster-wide lock `name`: a PostgreSQL session advisory
    /// lock, so N instances serialise; on SQLite an in-process lock (SQLite is single-process).
    /// Take it outside transactions: on SQLite a transaction holds the only connection.
    public func withClusterLock<T>(_ name: String, _ body: () async throws -> T) async throws -> T {
        // `wait: true` never gives up, so there is always a result.
        try await lock(name, wait: true, body)!
    }

    /// Like ``withClusterLock(_:_:)`` but returns `nil` at once, without running `body`, when
    /// another holder has the lock.
    public func withClusterLockIfAvailable<T>(_ name: String, _ body: () async throws -> T) async throws -> T? {
        try await lock(name, wait: false, body)
    }

    private func lock<T>(_ name: String, wait: Bool, _ body: () async throws -> T) async throws -> T? {
        switch driver {
        case .sqlite:
            if wait { await localLocks.acquire(name) } else if !(await localLocks.tryAcquire(name)) { return nil }
            return try await Self.run(body, thenRelease: { await localLocks.release(name) })
        case .postgres(let client):
            let key = lockKey(name)
            // The lock belongs to this connection's session, so the connection is held for the
            // whole of `body` while `body` itself queries through the pool.
            return try await client.withConnection { connection in
                let sql = connection.sql(logger: logger)
                if wait {
                    try await sql.raw("SELECT pg_advisory_lock(\(bind: key))").run()
                } else {
                    let row = try await sql.raw("SELECT pg_try_advisory_lock(\(bind: key)) AS locked").first()
                    guard try row?.decode(column: "locked", as: Bool.self) == true else { return nil }
                }
                let release = {
                    do { try await sql.raw("SELECT pg_advisory_unlock(\(bind: key))").run() } catch {
                        self.logger.error("could not release cluster lock", metadata: ["lock": "\(name)", "error": "\(DatabaseError.describe(error))"])
                    }
                }
                do {
                    let result = try await body()
                    await release()
                    return result
                } catch {
                    await release()
                    throw error
                }
            }
        }
    }

    private static func run<T>(_ body: () async throws -> T, thenRelease release: () async -> Void) async throws -> T {
        do {
            let result = try await body()
            await release()
            return result
        } catch {
            await release()
            throw error
        }
    }
}

/// In-process named locks, granted in arrival order.
actor NamedLocks {
    private var held: Set<String> = []
    private var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]

    func tryAcquire(_ name: String) -> Bool {
        held.insert(name).inserted
    }

    func acquire(_ name: String) async {
        if held.contains(name) {
            await withCheckedContinuation { waiters[name, default: []].append($0) }
        } else {
            held.insert(name)
        }
    }

    func release(_ name: String) {
        if var queue = waiters[name], !queue.isEmpty {
            let next = queue.removeFirst()
            waiters[name] = queue.isEmpty ? nil : queue
            next.resume()
        } else {
            held.remove(name)
        }
    }
}
