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

    func mount(_ routes: PluginRoutes) throws {
        try routes.get("") { request, context in
            try context.authorize(Self.read)
            return try await list(request, context)
        }
        try routes.post("") { request, context in
            try context.authorize(Self.manage)
            return try await enqueue(request, context)
        }
        try routes.get("stats") { _, context in
            try context.authorize(Self.read)
            return try Self.json(.ok, try await queue.statistics(tenant: context.tenantID))
        }
        try routes.get("events") { request, context in
            try context.authorize(Self.read)
            return events(request, context)
        }
        try routes.get("schedules") { _, context in
            try context.authorize(Self.read)
            return try Self.json(.ok, ["schedules": try await queue.schedules()])
        }
        try routes.post("schedules") { request, context in
            try context.authorize(Self.schedules)
            return try await saveSchedule(request, context)
        }
        try routes.delete("schedules/:name") { _, context in
            try context.authorize(Self.schedules)
            let name = try context.parameters.require("name")
            guard try await queue.removeSchedule(name) else { throw Problem(.notFound, detail: "no schedule '\(name)'") }
            return Response(status: .noContent)
        }
        try routes.post("schedules/:name/run") { _, context in
            try context.authorize(Self.schedules)
            do { return try Self.json(.accepted, try await queue.runSchedule(try context.parameters.require("name"))) } catch let error as ScheduleError {
                throw Problem(.notFound, detail: error.message)
            }
        }
        try routes.get(":id") { _, context in
            try context.authorize(Self.read)
            let job = try await visible(try id(context), context)
            return try Self.json(.ok, job)
        }
        try routes.post(":id/retry") { _, context in
            try context.authorize(Self.manage)
            let job = try await visible(try id(context), context)
            return try Self.json(.ok, try await mapped { try await queue.retry(job.id) })
        }
        try routes.post(":id/cancel") { _, context in
            try context.authorize(Self.manage)
            let job = try await visible(try id(context), context)
            return try Self.json(.ok, try await mapped { try await queue.cancel(job.id) })
        }
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

    func list(_ request: Request, _ context: PlinthRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        var state: JobState?
        if let text = query.get("state") {
            guard let value = JobState(rawValue: text) else {
                throw Problem(.badRequest, type: "invalid-filter", detail: "state must be one of \(JobState.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            state = value
        }
        let limit = query.get("limit").flatMap(Int.init) ?? 50
        guard (1...500).contains(limit) else { throw Problem(.badRequest, type: "invalid-filter", detail: "limit must be 1-500") }
        let jobs = try await queue.jobs(state: state, type: query.get("type"), tenant: context.tenantID, before: query.get("before").flatMap(Int64.init), limit: limit)
        // Payloads stay out of lists (a page of large payloads would be huge); `GET :id` has it.
        struct Page: Encodable { var jobs: [Job.Summary]; var next: Int64? }
        return try Self.json(.ok, Page(jobs: jobs.map(Job.Summary.init), next: jobs.count == limit ? jobs.last?.id : nil))
    }

    struct EnqueueBody: Decodable {
        var type: String
        var payload: JSONValue?
        var runAt: Date?
        var priority: Int?
        var maxAttempts: Int?
        var uniqueKey: String?
    }

    func enqueue(_ request: Request, _ context: PlinthRequestContext) async throws -> Response {
        let body = try await request.decode(as: EnqueueBody.self, context: context)
        guard queue.handler(for: body.type) != nil else {
            throw Problem(.unprocessableContent, type: "unknown-job-type", detail: JobQueueError.unknownType(body.type).description)
        }
        if let attempts = body.maxAttempts, !(1...100).contains(attempts) {
            throw Problem(.unprocessableContent, type: "validation", detail: "maxAttempts must be 1-100")
        }
        let maxPriority = settings.maxPriority
        if let priority = body.priority, !(-maxPriority...maxPriority).contains(priority) {
            throw Problem(.unprocessableContent, type: "validation", detail: "priority must be \(-maxPriority) to \(maxPriority) (PLINTH_JOBS_MAX_PRIORITY)", extensions: ["field": "priority"])
        }
        if let key = body.uniqueKey, !(1...200).contains(key.utf8.count) {
            throw Problem(.unprocessableContent, type: "validation", detail: "uniqueKey must be 1-200 bytes", extensions: ["field": "uniqueKey"])
        }
        let payload = try JSONEncoder.sorted.encode(body.payload ?? .object([:]))
        guard payload.count <= settings.maxPayload else {
            throw Problem(.contentTooLarge, type: "payload-too-large", detail: "the payload has \(payload.count) bytes of JSON; the limit is \(settings.maxPayload) (PLINTH_JOBS_MAX_PAYLOAD): keep large data in storage and put its key in the payload")
        }
        let options = EnqueueOptions(runAt: body.runAt, priority: body.priority ?? 0, maxAttempts: body.maxAttempts, uniqueKey: body.uniqueKey, tenant: context.tenantID)
        let result = try await queue.enqueue(body.type, json: String(decoding: payload, as: UTF8.self), options: options)
        return try Self.json(result.duplicate ? .ok : .created, result)
    }

    struct ScheduleBody: Decodable {
        var name: String
        var cron: String
        var timeZone: String?
        var type: String
        var payload: JSONValue?
    }

    func saveSchedule(_ request: Request, _ context: PlinthRequestContext) async throws -> Response {
        let body = try await request.decode(as: ScheduleBody.self, context: context)
        guard queue.handler(for: body.type) != nil else {
            throw Problem(.unprocessableContent, type: "unknown-job-type", detail: JobQueueError.unknownType(body.type).description)
        }
        do {
            return try Self.json(.created, try await queue.schedule(body.name, cron: body.cron, timeZone: body.timeZone ?? "UTC", type: body.type, payload: body.payload ?? .object([:]), origin: "api"))
        } catch let error as ScheduleError {
            throw Problem(.unprocessableContent, type: "invalid-schedule", detail: error.message)
        }
    }

    /// Server-Sent Events: one `job` event per status change (`?type=` filters), and a comment
    /// every 15 s so that proxies keep the connection open.
    ///
    /// The caller's credentials are checked again every second while the stream runs: once they
    /// no longer hold (signed out, key revoked, removed from the tenant) the stream sends an
    /// `end` event saying why and closes, and no event after that check reaches it.
    func events(_ request: Request, _ context: PlinthRequestContext) -> Response {
        let tenant = context.tenantID
        let type = request.uri.queryParameters.get("type")
        let subscription = queue.subscribe()
        let (lines, sink) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(1000))
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        let access = StreamAccess()
        let forward = Task {
            for await event in subscription where (tenant == nil || event.tenant == tenant) && (type == nil || event.type == type) {
                guard access.open, let data = try? encoder.encode(event) else { continue }
                sink.yield("id: \(event.id)-\(event.state.rawValue)-\(event.attempt)\nevent: job\ndata: \(String(decoding: data, as: UTF8.self))\n\n")
            }
            sink.finish()
        }
        let watch = Task {
            var ticks = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                guard await context.credentialsStillHold() else {
                    access.close()
                    sink.yield("event: end\ndata: {\"reason\":\"credentials-revoked\"}\n\n")
                    sink.finish()
                    return
                }
                ticks += 1
                if ticks % 15 == 0 { sink.yield(": keep-alive\n\n") }
            }
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            defer {
                forward.cancel()
                watch.cancel()
            }
            try await writer.write(ByteBuffer(string: ": connected\n\n"))
            for await line in lines { try await writer.write(ByteBuffer(string: line)) }
            try await writer.finish(nil)
        })
    }

    /// Whether a stream may still deliver; closed once its caller's credentials stop holding.
    final class StreamAccess: Sendable {
        private let state = Atomic<Bool>(true)
        var open: Bool { state.load(ordering: .acquiring) }
        func close() { state.store(false, ordering: .releasing) }
    }

    static func json(_ status: HTTPResponse.Status, _ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
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

/// Any JSON value, for payloads given through the API.
enum JSONValue: Codable, Sendable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if value == value.rounded(), abs(value) < 1e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
