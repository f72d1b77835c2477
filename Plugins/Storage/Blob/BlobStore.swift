import Foundation
import NIOCore
import PlinthKernel

/// Object storage for plugins: the storage plugin provides one `any BlobStore` service, backed
/// by local disk (default, under `$PLINTH_DATA_DIR/storage`) or by S3 when `STORAGE_BUCKET` is
/// set. Bodies stream both ways; nothing holds a whole object in memory.
///
/// ```swift
/// let store = try context.require((any BlobStore).self)
/// let key = try BlobKey(system: "exports/report.csv")
/// _ = try await store.put(key, contentType: "text/csv", body: ByteBuffer(string: csv))
/// let object = try await store.get(key)
/// let bytes = try await object.body.collect(upTo: 1 << 20)
/// ```
public protocol BlobStore: Sendable {
    /// `local` or `s3`.
    var driver: String { get }

    /// Starts a streaming upload; write chunks, then `finish()` (or `abort()` on failure).
    /// Nothing is visible under `key` until `finish()` returns. `size` is the body's length
    /// when it is known before the body (a request's Content-Length), else nil: an S3 store
    /// then starts a large upload's parts at once instead of buffering to decide.
    func beginUpload(_ key: BlobKey, contentType: String?, size: Int?) async throws -> any BlobUpload

    /// The object's bytes (all of them, or `range`), with its metadata.
    /// - Throws: ``BlobStoreError/notFound`` or ``BlobStoreError/rangeNotSatisfiable``.
    func get(_ key: BlobKey, range: ByteRange?) async throws -> BlobObject

    /// Metadata only; nil when there is no such object.
    func head(_ key: BlobKey) async throws -> BlobInfo?

    /// Removes the object; removing a missing object is not an error (as in S3).
    func delete(_ key: BlobKey) async throws

    /// Removes many objects; returns the keys that could not be removed, with the reason.
    func delete(_ keys: [BlobKey]) async throws -> [BlobKey: String]

    /// Objects whose storage path starts with `prefix` (from ``BlobKey/listPrefix(_:_:)``), in
    /// key order, at most `limit` (1...1000), continuing after `cursor`.
    func list(prefix: String, cursor: String?, limit: Int) async throws -> BlobPage

    /// Copies an object within the store.
    /// - Throws: ``BlobStoreError/notFound`` when `source` does not exist.
    func copy(_ source: BlobKey, to destination: BlobKey) async throws -> BlobInfo

    /// A URL that lets anyone holding it GET or PUT the object until it expires, without
    /// credentials. A presigned PUT signs `contentType`, which the uploader must send.
    func presign(_ method: PresignMethod, _ key: BlobKey, expires: Int, contentType: String?) async throws -> PresignedURL
}

extension BlobStore {
    /// A streaming upload of a body whose length is not known in advance.
    public func beginUpload(_ key: BlobKey, contentType: String?) async throws -> any BlobUpload {
        try await beginUpload(key, contentType: contentType, size: nil)
    }

    /// Uploads a whole sequence of chunks (`size` bytes in all, when known); aborts the upload
    /// if the sequence throws.
    @discardableResult
    public func put<Body: AsyncSequence>(_ key: BlobKey, contentType: String?, size: Int? = nil, body: Body) async throws -> BlobInfo where Body.Element == ByteBuffer {
        let upload = try await beginUpload(key, contentType: contentType, size: size)
        do {
            for try await chunk in body { try await upload.write(chunk) }
            return try await upload.finish()
        } catch {
            await upload.abort()
            throw error
        }
    }

    /// Uploads bytes held in memory.
    @discardableResult
    public func put(_ key: BlobKey, contentType: String?, body: ByteBuffer) async throws -> BlobInfo {
        try await put(key, contentType: contentType, size: body.readableBytes, body: SingleBuffer(buffer: body))
    }

    /// Uploads another object's body, chunk by chunk.
    @discardableResult
    public func put(_ key: BlobKey, contentType: String?, from body: BlobBody) async throws -> BlobInfo {
        let upload = try await beginUpload(key, contentType: contentType)
        do {
            try await body.stream { chunk in try await upload.write(chunk) }
            return try await upload.finish()
        } catch {
            await upload.abort()
            throw error
        }
    }

    /// The whole object.
    public func get(_ key: BlobKey) async throws -> BlobObject { try await get(key, range: nil) }
}

/// One upload in progress. Not for use from several tasks at once.
public protocol BlobUpload: Sendable {
    /// Appends bytes; may upload a part when enough is buffered.
    func write(_ chunk: ByteBuffer) async throws
    /// Makes the object visible and returns its metadata.
    func finish() async throws -> BlobInfo
    /// Discards everything written; never throws.
    func abort() async
}

/// An object's metadata.
public struct BlobInfo: Sendable, Hashable, Codable {
    /// The storage path (`tenants/{id}/...` or `system/...`).
    public var key: String
    public var size: Int
    public var contentType: String?
    /// Quoted entity tag, as S3 gives it.
    public var etag: String?
    public var lastModified: Date?

    public init(key: String, size: Int, contentType: String? = nil, etag: String? = nil, lastModified: Date? = nil) {
        self.key = key
        self.size = size
        self.contentType = contentType
        self.etag = etag
        self.lastModified = lastModified
    }
}

/// An object being read: its metadata, the byte range served, and its body.
public struct BlobObject: Sendable {
    public var info: BlobInfo
    /// The bytes the body holds (`0...size-1` without a range); nil for an empty object.
    public var range: ClosedRange<Int>?
    public var body: BlobBody

    public init(info: BlobInfo, range: ClosedRange<Int>?, body: BlobBody) {
        self.info = info
        self.range = range
        self.body = body
    }
}

/// A body that is read once, chunk by chunk, with back-pressure: the next chunk is read only
/// after `consume` returns (or, for a body that reads ahead, once the buffered bytes have been
/// taken). Reading it is what releases the underlying file or connection, so call
/// ``stream(_:)`` or ``discard()`` exactly once.
public struct BlobBody: Sendable {
    /// Produces the body as batches of chunks, in order.
    let batches: @Sendable (_ consume: ([ByteBuffer]) async throws -> Void) async throws -> Void

    /// A body produced chunk by chunk by `producer`, which calls `consume` for each chunk.
    public init(_ producer: @escaping @Sendable (_ consume: (ByteBuffer) async throws -> Void) async throws -> Void) {
        self.batches = { consume in try await producer { chunk in try await consume([chunk]) } }
    }

    /// A body produced in batches: a source that buffers (``ReadAhead``) hands over all it holds at once.
    init(batches: @escaping @Sendable (_ consume: ([ByteBuffer]) async throws -> Void) async throws -> Void) {
        self.batches = batches
    }

    /// A body fed by a buffer that its source fills on its own (a network response). A body
    /// dropped without being read (the client left before the response started) cancels the
    /// buffer, so its source stops rather than waiting on a reader that never comes.
    init(buffered buffer: ReadAhead) {
        let dropped = CancelOnRelease(buffer)
        self.batches = { consume in
            _ = dropped  // held for as long as the body is
            do {
                while let chunks = try await buffer.take() { try await consume(chunks) }
            } catch {
                buffer.cancel()
                throw error
            }
        }
    }

    /// A body with no bytes.
    public static let empty = BlobBody(batches: { _ in })

    public func stream(_ consume: (ByteBuffer) async throws -> Void) async throws {
        try await batches { chunks in
            for chunk in chunks { try await consume(chunk) }
        }
    }

    /// Reads the body in batches: every chunk the source has produced since the last call.
    /// A writer that takes several buffers at once (a response) makes one write of them.
    public func streamBatches(_ consume: ([ByteBuffer]) async throws -> Void) async throws {
        try await batches(consume)
    }

    /// Reads and drops the body.
    public func discard() async throws { try await batches { _ in } }

    /// The whole body. - Throws: ``BlobStoreError/tooLarge`` past `limit` bytes.
    public func collect(upTo limit: Int) async throws -> ByteBuffer {
        let collected = BufferBox()
        try await batches { chunks in
            for chunk in chunks { try collected.append(chunk, limit: limit) }
        }
        return collected.take()
    }

    /// This body read ahead by a concurrent task into a buffer of `limit` bytes, so that
    /// producing the next chunks overlaps consuming the last ones. Default 4 MiB.
    public func readingAhead(limit: Int = 4 << 20) -> BlobBody {
        let source = self
        return BlobBody(batches: { consume in
            let buffer = ReadAhead(limit: limit)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        try await source.stream { chunk in try await buffer.push(chunk) }
                        buffer.finish(nil)
                    } catch {
                        buffer.finish(error)
                    }
                }
                try await BlobBody(buffered: buffer).batches(consume)
            }
        })
    }
}

/// A single-range request: `bytes=first-last` (bounded), `bytes=first-` or `bytes=-suffix`.
public enum ByteRange: Sendable, Hashable {
    case bounded(Int, Int)
    case from(Int)
    case suffix(Int)

    /// The inclusive range within an object of `size` bytes, or nil if it is unsatisfiable.
    public func resolve(size: Int) -> ClosedRange<Int>? {
        switch self {
        case .bounded(let first, let last):
            guard first < size, first <= last else { return nil }
            return first...min(last, size - 1)
        case .from(let first):
            guard first < size else { return nil }
            return first...(size - 1)
        case .suffix(let count):
            guard count > 0, size > 0 else { return nil }
            return max(0, size - count)...(size - 1)
        }
    }

    /// The value of an S3 `Range` header.
    var header: String {
        switch self {
        case .bounded(let first, let last): "bytes=\(first)-\(last)"
        case .from(let first): "bytes=\(first)-"
        case .suffix(let count): "bytes=-\(count)"
        }
    }
}

/// A page of ``BlobStore/list(prefix:cursor:limit:)``.
public struct BlobPage: Sendable {
    public var items: [BlobInfo]
    /// Pass back to get the next page; nil on the last page.
    public var nextCursor: String?

    public init(items: [BlobInfo], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

public enum PresignMethod: String, Sendable, Codable, CaseIterable, SchemaEnum {
    case get = "GET"
    case put = "PUT"
}

/// A presigned URL and when it stops working; `headers` must be sent with it (a PUT's
/// `Content-Type`).
public struct PresignedURL: Sendable, Codable, Hashable {
    public var url: String
    public var method: PresignMethod
    public var expiresAt: Date
    public var headers: [String: String]
}

/// Storage failures that callers handle; each maps to an HTTP status in the routes.
public enum BlobStoreError: Error, Sendable, CustomStringConvertible, Equatable {
    case notFound(String)
    case rangeNotSatisfiable(size: Int)
    case tooLarge(limit: Int)
    /// The backend answered with an error we do not map (status and its code/message).
    case backend(status: Int, code: String, message: String)
    /// The backend could not be reached (connection refused, timeout, TLS).
    case unavailable(String)
    /// The key cannot be an object beside another: on a file system, `a` and `a/b` cannot both be.
    case conflict(String)

    public var description: String {
        switch self {
        case .notFound(let key): "no object '\(key)'"
        case .rangeNotSatisfiable(let size): "the range is outside the object's \(size) bytes"
        case .tooLarge(let limit): "the body is larger than the \(limit)-byte limit"
        case .backend(let status, let code, let message): "storage backend answered \(status) \(code): \(message)"
        case .unavailable(let reason): "storage backend unavailable: \(reason)"
        case .conflict(let reason): reason
        }
    }
}

/// One buffer as an async sequence, for ``BlobStore/put(_:contentType:body:)-(_,_,ByteBuffer)``.
struct SingleBuffer: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let buffer: ByteBuffer
    struct AsyncIterator: AsyncIteratorProtocol {
        var buffer: ByteBuffer?
        mutating func next() async throws -> ByteBuffer? {
            defer { buffer = nil }
            return buffer
        }
    }
    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(buffer: buffer.readableBytes > 0 ? buffer : nil) }
}
