import PostgresNIO

extension Database {
    /// Runs a PostgreSQL prepared statement on a pooled connection: parsed and planned once per
    /// connection, its rows decoded straight from the binary protocol. For hot paths whose SQL
    /// never changes (a job queue's claim); everything else uses ``sql``.
    ///
    /// - Returns: the rows, or nil on SQLite, where the caller runs its portable SQL instead.
    /// - Throws: ``DatabaseError`` inside a transaction or `withConnection` (the statement would
    ///   run on another connection, outside it), or the server's error.
    public func executePrepared<Statement: PostgresPreparedStatement>(_ statement: Statement) async throws -> [Statement.Row]? {
        guard case .postgres(let client) = driver else { return nil }
        guard currentSession == nil else {
            throw DatabaseError(message: "the prepared statement \(Statement.name) cannot join the current transaction; run it outside one")
        }
        usage.acquire()
        defer { usage.release() }
        var rows: [Statement.Row] = []
        for try await row in try await client.execute(statement, logger: logger) { rows.append(row) }
        return rows
    }
}
