import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PlinthKernel
import Synchronization

/// `/api/jobs`. With a tenant a caller sees and enqueues only its tenant's jobs. Without an auth
/// plugin the tenant is the trusted `X-Tenant-ID`, and a caller without one sees all (operators
/// behind a gateway). With an auth plugin every route needs a permission in a tenant: ``read``,
/// ``manage``, or ``schedules`` for the instance-wide cron schedules, which no tenant role holds.
struct JobsRoutes {
    static let read = "jobs.read"
    static let manage = "jobs.manage"
    static let schedules = "jobs.schedules.manage"

    let queue: JobQueue
    let settings: JobsConfiguration

    /// Read when the plugin mounts: job types are registered in `provide`, so every one is known
    /// here, and a body naming another type is refused by its schema.
    var routes: [Route] {
        let maxPriority = settings.maxPriority
        let types = queue.registeredTypes
        func typed(_ schema: inout Schema) {
            guard !types.isEmpty else { return }
            schema["type"] = Schema.oneOf(types).described("a job type a plugin registered a handler for")
        }
        return [
            Route.get("", id: "jobs.list", "List jobs, newest first")
                .describe("Payloads stay out of lists; `GET /api/jobs/{id}` has the job's. Page with `before` set to the last page's `next`.")
                .requires(.permission(Self.read))
                .query(ListQuery.self)
                .responds(.ok, schema: Self.pageSchema)
                .handle { input, context in try await list(input.query, context) },
            Route.post("", id: "jobs.enqueue", "Enqueue a job")
                .requires(.permission(Self.manage))
                .body(EnqueueBody.self) {
                    typed(&$0)
                    $0["priority"]?.range(Double(-maxPriority)...Double(maxPriority))
                    $0["priority"]?.boundedBy(setting: "PLINTH_JOBS_MAX_PRIORITY")
                }
                .responds(.created, Enqueued.self, "the job was enqueued")
                .responds(.ok, Enqueued.self, "a job of this type with this uniqueKey is waiting or running; its id is returned")
                .link(.created, "GetJob", to: "jobs.get", parameters: ["id": "$response.body#/id"])
                .link(.created, "CancelJob", to: "jobs.cancel", parameters: ["id": "$response.body#/id"])
                .link(.created, "RetryJob", to: "jobs.retry", parameters: ["id": "$response.body#/id"])
                .handle { input, context in try await enqueue(input.body, context) },
            Route.get("stats", id: "jobs.stats", "Counts of jobs by type and state")
                .requires(.permission(Self.read))
                .responds(.ok, [String: [String: Int]].self, "job type → state → count")
                .handle { _, context in try Self.json(.ok, try await queue.statistics(tenant: context.tenantID)) },
            Route.get("events", id: "jobs.events", "Status changes as Server-Sent Events")
                .describe("One `job` event per status change; a comment every 15 s. Ends with an `end` event once the caller's credentials stop holding.")
                .requires(.permission(Self.read))
                .query(EventsQuery.self)
                .streams(.ok, .serverSentEvents)
                .handle { input, context in try await events(input.query, input.request, context) },
            Route.get("schedules", id: "jobs.schedules.list", "List the cron schedules")
                .requires(.permission(Self.read))
                .responds(.ok, ScheduleList.self)
                .handle { _, _ in try Self.json(.ok, ScheduleList(schedules: try await queue.schedules())) },
            Route.post("schedules", id: "jobs.schedules.save", "Create or replace a cron schedule")
                .requires(.permission(Self.schedules))
                .body(ScheduleBody.self) { typed(&$0) }
                .responds(.created, Schedule.self)
                .link(.created, "RunSchedule", to: "jobs.schedules.run", parameters: ["name": "$response.body#/name"])
                .link(.created, "DeleteSchedule", to: "jobs.schedules.delete", parameters: ["name": "$response.body#/name"])
                .handle { input, _ in try await saveSchedule(input.body) },
            Route.delete("schedules/{name}", id: "jobs.schedules.delete", "Delete a cron schedule")
                .requires(.permission(Self.schedules))
                .responds(.noContent)
                .problems(.notFound)
                .handle { _, context in
                    let name = try context.parameters.require("name")
                    guard try await queue.removeSchedule(name) else { throw Problem(.notFound, detail: "no schedule '\(name)'") }
                    return Response(status: .noContent)
                },
            Route.post("schedules/{name}/run", id: "jobs.schedules.run", "Enqueue a schedule's job now")
                .requires(.permission(Self.schedules))
                .responds(.accepted, Enqueued.self)
                .problems(.notFound)
                .handle { _, context in
                    do { return try Self.json(.accepted, try await queue.runSchedule(try context.parameters.require("name"))) } catch let error as ScheduleError {
                        throw Problem(.notFound, detail: error.message)
                    }
                },
            Route.get("{id}", id: "jobs.get", "A job, with its payload")
                .requires(.permission(Self.read))
                .path("id", Self.jobID)
                .responds(.ok, Job.self)
                .problems(.notFound)
                .handle { _, context in try Self.json(.ok, try await visible(try id(context), context)) },
            Route.post("{id}/retry", id: "jobs.retry", "Run a dead or cancelled job again")
                .requires(.permission(Self.manage))
                .path("id", Self.jobID)
                .responds(.ok, Job.self)
                .problems(.notFound, .conflict)
                .handle { _, context in
                    let job = try await visible(try id(context), context)
                    return try Self.json(.ok, try await mapped { try await queue.retry(job.id) })
                },
            Route.post("{id}/cancel", id: "jobs.cancel", "Cancel a job that has not finished")
                .requires(.permission(Self.manage))
                .path("id", Self.jobID)
                .responds(.ok, Job.self)
                .problems(.notFound, .conflict)
                .handle { _, context in
                    let job = try await visible(try id(context), context)
                    return try Self.json(.ok, try await mapped { try await queue.cancel(job.id) })
                },
        ]
    }

    static let jobID: Schema = {
        var schema = Schema.integer
        schema.minimum = 1
        return schema
    }()

    struct ListQuery: Decodable, Sendable, SchemaDescribing {
        var state: JobState?
        var type: String?
        /// Jobs with a smaller id than this (the previous page's `next`).
        var before: Int64?
        var limit: Int?

        static var schema: Schema {
            .derived(from: Self.self) {
                $0["limit"]?.range(1...500)
                $0["limit"]?.description = "page size, 1-500; default 50"
                $0["before"]?.minimum = 1
            }
        }
    }

    struct EventsQuery: Decodable, Sendable {
        /// Only events of this job type.
        var type: String?
    }

    struct ScheduleList: Codable, Sendable {
        var schedules: [Schedule]
    }

    static var pageSchema: Schema {
        var job = (try? Schema.of(Job.self)) ?? .any
        job["payload"] = nil
        return .object([.init("jobs", .array(of: job)), .init("next", .integer.described("the `before` of the next page; absent on the last"), required: false)])
    }

    func id(_ context: PlinthRequestContext) throws -> Int64 {
        guard let id = context.parameters.get("id", as: Int64.self) else { throw Problem(.notFound, detail: "job ids are whole numbers") }
        return id
    }

    /// The job, if the caller's tenant may see it (a job of another tenant is "not found").
    func visible(_ id: Int64, _ context: PlinthRequestContext) async throws -> Job {
        guard let job = try await queue.job(id), context.tenantID == nil || job.tenant == context.tenantID else {
            throw Problem(.notFound, detail: "no job \(id)")
        }
        return job
    }

    func mapped<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as JobQueueError {
            switch error {
            case .notFound: throw Problem(.notFound, detail: error.description)
            case .invalidState: throw Problem(.conflict, type: "invalid-state", detail: error.description)
            case .unknownType: throw Problem(.unprocessableContent, type: "unknown-job-type", detail: error.description)
            }
        }
    }

    func list(_ query: ListQuery, _ context: PlinthRequestContext) async throws -> Response {
        let limit = query.limit ?? 50
        let jobs = try await queue.jobs(state: query.state, type: query.type, tenant: context.tenantID, before: query.before, limit: limit)
        // Payloads stay out of lists (a page of large payloads would be huge); `GET :id` has it.
        struct Page: Encodable { var jobs: [Job.Summary]; var next: Int64? }
        return try Self.json(.ok, Page(jobs: jobs.map(Job.Summary.init), next: jobs.count == limit ? jobs.last?.id : nil))
    }

    struct EnqueueBody: Decodable, Sendable, SchemaDescribing {
        var type: String
        var payload: JSONValue?
        var runAt: Date?
        var priority: Int?
        var maxAttempts: Int?
        var uniqueKey: String?

        static var schema: Schema {
            .derived(from: Self.self) {
                $0["type"]?.description = "a job type a plugin registered a handler for"
                $0["payload"]?.description = "any JSON, at most PLINTH_JOBS_MAX_PAYLOAD bytes; default {}"
                $0["runAt"]?.description = "when to run it; default now"
                $0["priority"]?.description = "higher runs first; default 0, bounded by PLINTH_JOBS_MAX_PRIORITY"
                $0["maxAttempts"]?.range(1...100)
                $0["uniqueKey"]?.length(1...200)
                $0["uniqueKey"]?.description = "while a job of this type with this key waits or runs, enqueueing returns it instead"
                $0.example = ["type": "jobs.noop", "payload": ["invoice": "inv-1"], "priority": 1]
            }
        }
    }

    func enqueue(_ body: EnqueueBody, _ context: PlinthRequestContext) async throws -> Response {
        guard queue.handler(for: body.type) != nil else {
            throw Problem(.unprocessableContent, type: "unknown-job-type", detail: JobQueueError.unknownType(body.type).description)
        }
        let payload = try JSONEncoder.sorted.encode(body.payload ?? .object([:]))
        guard payload.count <= settings.maxPayload else {
            throw Problem(.contentTooLarge, type: "payload-too-large", detail: "the payload has \(payload.count) bytes of JSON; the limit is \(settings.maxPayload) (PLINTH_JOBS_MAX_PAYLOAD): keep large data in storage and put its key in the payload")
        }
        let options = EnqueueOptions(runAt: body.runAt, priority: body.priority ?? 0, maxAttempts: body.maxAttempts, uniqueKey: body.uniqueKey, tenant: context.tenantID)
        let result = try await queue.enqueue(body.type, json: String(decoding: payload, as: UTF8.self), options: options)
        return try Self.json(result.duplicate ? .ok : .created, result)
    }

    struct ScheduleBody: Decodable, Sendable, SchemaDescribing {
        var name: String
        var cron: String
        var timeZone: String?
        var type: String
        var payload: JSONValue?

        static var schema: Schema {
            .derived(from: Self.self) {
                $0["name"]?.length(1...200)
                // `cron` is a format of its own: clients (and fuzzers) learn it from the description.
                $0["cron"]?.format = "cron"
                $0["cron"]?.description = "five or six cron fields (an optional seconds field first), or a macro such as @hourly"
                $0.example = ["name": "nightly-report", "cron": "0 3 * * *", "timeZone": "Europe/Bucharest", "type": "jobs.noop"]
                $0["timeZone"] = Schema.oneOf(Set(TimeZone.knownTimeZoneIdentifiers + ["UTC"]).sorted()).described("an IANA time zone; default UTC")
            }
        }
    }

    func saveSchedule(_ body: ScheduleBody) async throws -> Response {
        guard queue.handler(for: body.type) != nil else {
            throw Problem(.unprocessableContent, type: "unknown-job-type", detail: JobQueueError.unknownType(body.type).description)
        }
        do {
            return try Self.json(.created, try await queue.schedule(body.name, cron: body.cron, timeZone: body.timeZone ?? "UTC", type: body.type, payload: body.payload ?? .object([:]), origin: "api"))
        } catch let error as ScheduleError {
            throw Problem(.unprocessableContent, type: "invalid-schedule", detail: error.message)
        }
    }

    /// Server-Sent Events through the kernel's helper: one `job` event per status change of
    /// the caller's tenant (`?type=` filters; a caller without a tenant sees jobs of no tenant),
    /// a comment every `PLINTH_REALTIME_HEARTBEAT` seconds, resuming after `Last-Event-ID`.
    ///
    /// The caller's credentials are checked again every second while the stream runs: once they
    /// no longer hold (signed out, key revoked, removed from the tenant) the stream sends an
    /// `end` event saying why and closes, and no event after that check reaches it.
    func events(_ query: EventsQuery, _ request: Request, _ context: PlinthRequestContext) async throws -> Response {
        let type = query.type
        return try await ServerSentEvents.stream(channel: JobEventHub.channel(tenant: context.tenantID), channels: queue.events.channels, request: request, context: context) { message in
            if let type, message.payload["type"] != .string(type) { return nil }
            return ServerSentEvents.payload(message)
        }
    }

    static func json(_ status: HTTPResponse.Status, _ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .internetTime
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}

extension JSONEncoder {
    /// Sorted keys, as ``JobQueue/enqueue(_:payload:options:requireHandler:)`` writes payloads.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}

extension Job {
    /// A job as lists show it: everything but the payload.
    struct Summary: Encodable {
        let job: Job
        enum CodingKeys: String, CodingKey {
            case id, type, tenant, state, priority, attempt, maxAttempts, runAt, uniqueKey, lastError, createdAt, startedAt, finishedAt
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(job.id, forKey: .id)
            try c.encode(job.type, forKey: .type)
            try c.encodeIfPresent(job.tenant, forKey: .tenant)
            try c.encode(job.state, forKey: .state)
            try c.encode(job.priority, forKey: .priority)
            try c.encode(job.attempt, forKey: .attempt)
            try c.encode(job.maxAttempts, forKey: .maxAttempts)
            try c.encode(job.runAt, forKey: .runAt)
            try c.encodeIfPresent(job.uniqueKey, forKey: .uniqueKey)
            try c.encodeIfPresent(job.lastError, forKey: .lastError)
            try c.encode(job.createdAt, forKey: .createdAt)
            try c.encodeIfPresent(job.startedAt, forKey: .startedAt)
            try c.encodeIfPresent(job.finishedAt, forKey: .finishedAt)
        }

        init(_ job: Job) { self.job = job }
    }
}
