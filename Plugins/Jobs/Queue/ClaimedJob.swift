import Foundation
import SQLKit

/// A job as the worker that claimed it sees it: what running it and announcing its status
/// take, and nothing the claim would have to read and decode for nothing.
struct ClaimedJob: JobIdentity {
    var id: Int64
    var type: String
    /// The payload as JSON text.
    var payload: String
    var tenant: String?
    var priority: Int
    /// 1 on the first run.
    var attempt: Int
    var maxAttempts: Int
    /// When it became due.
    var runAt: Date

    init(id: Int64, type: String, payload: String, tenant: String?, priority: Int, attempt: Int, maxAttempts: Int, runAt: Date) {
        self.id = id
        self.type = type
        self.payload = payload
        self.tenant = tenant
        self.priority = priority
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.runAt = runAt
    }

    init(_ row: any SQLRow) throws {
        id = try row.decode(column: "id", as: Int64.self)
        type = try row.decode(column: "type", as: String.self)
        payload = try row.decode(column: "payload", as: String.self)
        tenant = try row.decode(column: "tenant", as: String?.self)
        priority = try row.decode(column: "priority", as: Int.self)
        attempt = try row.decode(column: "attempt", as: Int.self)
        maxAttempts = try row.decode(column: "max_attempts", as: Int.self)
        runAt = Date(timeIntervalSince1970: try row.decode(column: "run_at", as: Double.self))
    }
}

/// What a status event names of a job.
protocol JobIdentity: Sendable {
    var id: Int64 { get }
    var type: String { get }
    var attempt: Int { get }
    var tenant: String? { get }
}

extension Job: JobIdentity {}
