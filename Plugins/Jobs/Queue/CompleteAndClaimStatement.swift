import Foundation
import PostgresNIO

/// The worker's one statement per batch on PostgreSQL: records the jobs it finished as
/// completed and claims the next due jobs. Prepared, so the server plans it once per
/// connection rather than once per batch; the id and type lists travel as arrays to keep the
/// text fixed.
///
/// Every row carries the ids completed; there is one row per job claimed, or a single row of
/// NULLs when none was due.
struct CompleteAndClaimStatement: PostgresPreparedStatement {
    static let sql = """
        WITH done AS (
            UPDATE jobs_queue SET state = 'completed', finished_at = $1, locked_by = NULL, lease_until = NULL
            WHERE id = ANY($2) AND state = 'running' AND locked_by = $3 RETURNING id),
        claimed AS (
            UPDATE jobs_queue SET state = 'running', attempt = attempt + 1, locked_by = $3, lease_until = $4, started_at = $1
            WHERE id IN (
                SELECT id FROM jobs_queue WHERE state = 'available' AND run_at <= $1 AND type = ANY($5)
                ORDER BY priority DESC, run_at, id LIMIT $6 FOR UPDATE SKIP LOCKED)
            RETURNING id, type, payload, tenant, priority, attempt, max_attempts, run_at)
        SELECT (SELECT string_agg(id::text, ',') FROM done) AS done, claimed.*
        FROM (SELECT 1) AS one LEFT JOIN claimed ON true
        """

    /// `done` is the completed ids as text, `1,2,3` (the same in every row: parse one).
    typealias Row = (done: String?, job: ClaimedJob?)

    var now: Double
    var done: [Int64]
    var worker: String
    var leaseUntil: Double
    var types: [String]
    var limit: Int

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 6)
        bindings.append(now)
        bindings.append(done)
        bindings.append(worker)
        bindings.append(leaseUntil)
        bindings.append(types)
        bindings.append(Int64(limit))
        return bindings
    }

    /// Reads the cells by hand: PostgresNIO's generic tuple decoding of nine optional columns
    /// cost more than the statement's own round trip.
    func decodeRow(_ row: PostgresRow) throws -> Row {
        var cells = CellReader(row.makeIterator())
        let done = try cells.text()
        guard let id = try cells.integer() else { return (done, nil) }
        guard let type = try cells.text(), let payload = try cells.text() else { throw CellReader.Failure(column: "type") }
        let tenant = try cells.text()
        guard let priority = try cells.integer(), let attempt = try cells.integer(), let maxAttempts = try cells.integer(), let runAt = try cells.double() else {
            throw CellReader.Failure(column: "run_at")
        }
        return (done, ClaimedJob(id: id, type: type, payload: payload, tenant: tenant, priority: Int(priority), attempt: Int(attempt), maxAttempts: Int(maxAttempts), runAt: Date(timeIntervalSince1970: runAt)))
    }
}

/// Reads a row's cells in order, in the binary format prepared statements return (or text).
private struct CellReader {
    struct Failure: Error, CustomStringConvertible {
        var column: String
        var description: String { "unexpected value in column '\(column)' of the jobs claim" }
    }

    var cells: PostgresRow.Iterator

    init(_ cells: PostgresRow.Iterator) { self.cells = cells }

    mutating func text() throws -> String? {
        guard let cell = cells.next() else { throw Failure(column: "?") }
        return cell.bytes.map { String(buffer: $0) }
    }

    mutating func integer() throws -> Int64? {
        guard let cell = cells.next() else { throw Failure(column: "?") }
        guard var bytes = cell.bytes else { return nil }
        if cell.format == .text { return Int64(String(buffer: bytes)) }
        switch bytes.readableBytes {
        case 8: return bytes.readInteger(as: Int64.self)
        case 4: return bytes.readInteger(as: Int32.self).map(Int64.init)
        case 2: return bytes.readInteger(as: Int16.self).map(Int64.init)
        default: throw Failure(column: cell.columnName)
        }
    }

    mutating func double() throws -> Double? {
        guard let cell = cells.next() else { throw Failure(column: "?") }
        guard var bytes = cell.bytes else { return nil }
        if cell.format == .text { return Double(String(buffer: bytes)) }
        guard cell.dataType == .float8, let bits = bytes.readInteger(as: UInt64.self) else { throw Failure(column: cell.columnName) }
        return Double(bitPattern: bits)
    }
}
