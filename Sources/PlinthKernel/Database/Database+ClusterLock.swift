import SQLKit

extension Database {
    /// Runs `body` while holding the cluster-wide lock `name`: a PostgreSQL session advisory
    /// lock, so N instances serialise; on SQLite an in-process lock (SQLite is single-process).
    public func withClusterLock<T>(_ name: String, _ body: () async throws -> T) async throws -> T {
        switch driver {
        case .sqlite:
            await localLocks.acquire(name)
            do {
                let result = try await body()
                await localLocks.release(name)
                return result
            } catch {
                await localLocks.release(name)
                throw error
            }
        case .postgres(let client):
            let key = lockKey(name)
            // The lock belongs to this connection's session, so the connection is held for the
            // whole of `body` while `body` itself queries through the pool.
            return try await client.withConnection { connection in
                let sql = connection.sql(logger: logger)
                try await sql.raw("SELECT pg_advisory_lock(\(bind: key))").run()
                do {
                    let result = try await body()
                    try await sql.raw("SELECT pg_advisory_unlock(\(bind: key))").run()
                    return result
                } catch {
                    _ = try? await sql.raw("SELECT pg_advisory_unlock(\(bind: key))").run()
                    throw error
                }
            }
        }
    }

    /// Like ``withClusterLock(_:_:)`` but returns `nil` at once, without running `body`, when
    /// another holder has the lock.
    public func withClusterLockIfAvailable<T>(_ name: String, _ body: () async throws -> T) async throws -> T? {
        switch driver {
        case .sqlite:
            guard await localLocks.tryAcquire(name) else { return nil }
            do {
                let result = try await body()
                await localLocks.release(name)
                return result
            } catch {
                await localLocks.release(name)
                throw error
            }
        case .postgres(let client):
            let key = lockKey(name)
            return try await client.withConnection { connection in
                let sql = connection.sql(logger: logger)
                let row = try await sql.raw("SELECT pg_try_advisory_lock(\(bind: key)) AS locked").first()
                guard try row?.decode(column: "locked", as: Bool.self) == true else { return nil }
                do {
                    let result = try await body()
                    try await sql.raw("SELECT pg_advisory_unlock(\(bind: key))").run()
                    return result
                } catch {
                    _ = try? await sql.raw("SELECT pg_advisory_unlock(\(bind: key))").run()
                    throw error
                }
            }
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
