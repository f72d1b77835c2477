import Foundation
import PlinthKernel

/// A job's place in its life: `available` (waiting for its `runAt`, including a retry's
/// backoff), `running` (claimed by a worker holding a lease), then `completed`, `dead` (out of
/// attempts, last error kept) or `cancelled`.
public enum JobState: String, Sendable, Codable, CaseIterable, SchemaEnum {
    case available, running, completed, dead, cancelled

    /// States a unique key is held in: a finished job frees its key.
    static let active: [JobState] = [.available, .running]
}

/// One row of the queue, as the API and the status stream show it.
public struct Job: Sendable, Codable, Hashable {
    public var id: Int64
    public var type: String
    /// The payload as JSON text.
    public var payload: String
    public var tenant: String?
    public var state: JobState
    public var priority: Int
    /// Attempts started so far, counting the current one.
    public var attempt: Int
    public var maxAttempts: Int
    public var runAt: Date
    public var uniqueKey: String?
    public var lastError: String?
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
}

/// How to enqueue a job; every field has a default.
public struct EnqueueOptions: Sendable {
    /// When to run it. Default: now.
    public var runAt: Date?
    /// Higher runs first. Default 0.
    public var priority: Int
    /// Attempts before the job is dead-lettered. Default `PLINTH_JOBS_MAX_ATTEMPTS` (5).
    public var maxAttempts: Int?
    /// While a job of the same type with this key is available or running, enqueueing another
    /// returns the existing one instead.
    public var uniqueKey: String?
    /// The tenant the job acts for; the handler sees it as ``JobContext/tenant``.
    public var tenant: String?

    public init(runAt: Date? = nil, priority: Int = 0, maxAttempts: Int? = nil, uniqueKey: String? = nil, tenant: String? = nil) {
        self.runAt = runAt
        self.priority = priority
        self.maxAttempts = maxAttempts
        self.uniqueKey = uniqueKey
        self.tenant = tenant
    }
}

/// What ``JobQueue/enqueue(_:payload:options:)`` did.
public struct Enqueued: Sendable, Codable, Hashable {
    public var id: Int64
    /// True when a job with the same unique key was already waiting or running, and that
    /// job's id is returned.
    public var duplicate: Bool
}

/// A status change, as the SSE stream and the in-process subscribers receive it.
public struct JobEvent: Sendable, Codable, Hashable {
    public var id: Int64
    public var type: String
    public var state: JobState
    public var attempt: Int
    public var tenant: String?
    public var error: String?
    public var at: Date
}

/// Errors a caller of the queue handles.
public enum JobQueueError: Error, Sendable, CustomStringConvertible, Equatable {
    case unknownType(String)
    case notFound(Int64)
    case invalidState(id: Int64, state: JobState, action: String)

    public var description: String {
        switch self {
        case .unknownType(let type): "no handler is registered for job type '\(type)'"
        case .notFound(let id): "no job \(id)"
        case .invalidState(let id, let state, let action): "job \(id) is \(state.rawValue) and cannot be \(action)"
        }
    }
}
