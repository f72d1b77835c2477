import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PlinthKernel

/// `/api/storage`: every route acts inside the caller's tenant (`tenants/{id}/`), so a tenant
/// can neither name nor list another tenant's keys. Keys in answers are relative to the tenant.
/// With an auth plugin the caller must hold ``read`` or ``write`` there (a presign needs write:
/// it hands out access); `signed/**` needs no identity, its signature is the credential.
struct StorageRoutes {
    /// Permissions checked when an auth plugin is installed; every tenant role holds both.
    static let read = "storage.objects.read"
    static let write = "storage.objects.write"

    let store: any BlobStore
    let configuration: StorageConfiguration
    let signer: LocalURLSigner?

    var routes: [Route] {
        let upload = RouteBodyLimit(bytes: configuration.maxUploadSize, setting: "STORAGE_MAX_UPLOAD_SIZE")
        let maxExpiry = configuration.presignMaxExpiry
        return [
            Route.put("objects/**", id: "storage.objects.put", "Store an object, the body as its bytes")
                .describe("The `Content-Type` is kept and served back. Replaces an object with the same key.")
                .requires(.permission(Self.write))
                .path("path", Self.keySegment, "the object's key; '/' separates folders")
                .rawBody("application/octet-stream", required: false)
                .bodyLimit(upload)
                .responds(.created, ObjectDTO.self)
                .link(.created, "GetObject", to: "storage.objects.get", parameters: ["path": "$response.body#/key"])
                .link(.created, "DeleteObject", to: "storage.objects.delete", parameters: ["path": "$response.body#/key"])
                .link(.created, "CopyObject", to: "storage.objects.copy", requestBody: ["from": "$response.body#/key"])
                .link(.created, "PresignObject", to: "storage.presign", requestBody: ["key": "$response.body#/key"])
                .problems(.badRequest, .conflict)
                .handle { input, context in try await mapped { try await putRaw(input.request, context) } },
            Route.post("upload", id: "storage.upload", "Store the files of a multipart form")
                .describe("Each part with a filename is stored under `prefix` + its filename.")
                .requires(.permission(Self.write))
                .query(PrefixQuery.self)
                .rawBody("multipart/form-data", schema: .object([.init("file", .binary)]))
                .bodyLimit(upload)
                .responds(.created, UploadedDTO.self)
                .problems(.badRequest, .unsupportedMediaType, .conflict)
                .handle { input, context in try await mapped { try await putForm(input.request, input.query, context) } },
            Route.get("objects/**", id: "storage.objects.get", "Download an object")
                .describe("Honours a single `Range: bytes=` range (206).")
                .requires(.permission(Self.read))
                .path("path", Self.keySegment, "the object's key")
                .header("Range", .string, "bytes=first-last, first- or -count")
                .streams(.ok, .bytes(contentType: "*/*"), "the object's bytes, with the Content-Type it was stored with")
                .streams(.partialContent, .bytes(contentType: "*/*"), "the requested range")
                .problems(.badRequest, .notFound, .rangeNotSatisfiable)
                .handle { input, context in try await mapped { try await download(input.request, context, headOnly: false) } },
            Route.head("objects/**", id: "storage.objects.head", "An object's size, type and ETag, without its bytes")
                .requires(.permission(Self.read))
                .path("path", Self.keySegment, "the object's key")
                .responds(.ok)
                .problems(.badRequest, .notFound)
                .handle { input, context in try await mapped { try await download(input.request, context, headOnly: true) } },
            Route.delete("objects/**", id: "storage.objects.delete", "Delete an object")
                .describe("Deleting a key that holds nothing succeeds too.")
                .requires(.permission(Self.write))
                .path("path", Self.keySegment, "the object's key")
                .responds(.noContent)
                .problems(.badRequest)
                .handle { _, context in
                    try await mapped {
                        let key = try StorageRequest.key(try StorageRequest.scope(context), try StorageRequest.rawRest(context))
                        try await store.delete(key)
                        return Response(status: .noContent)
                    }
                },
            Route.get("objects", id: "storage.objects.list", "List objects by key, a page at a time")
                .requires(.permission(Self.read))
                .query(ListQuery.self)
                .responds(.ok, PageDTO.self)
                .problems(.badRequest)
                .handle { input, context in try await mapped { try await list(input.query, context) } },
            Route.post("delete", id: "storage.objects.deleteMany", "Delete up to 1,000 objects")
                .requires(.permission(Self.write))
                .body(KeysBody.self)
                .responds(.ok, DeletedDTO.self)
                .problems(.badRequest)
                .handle { input, context in try await mapped { try await deleteMany(input.body, context) } },
            Route.post("copy", id: "storage.objects.copy", "Copy an object to another key")
                .requires(.permission(Self.write))
                .body(CopyBody.self)
                .responds(.created, ObjectDTO.self)
                .problems(.badRequest, .notFound, .conflict)
                .handle { input, context in try await mapped { try await copy(input.body, context) } },
            Route.post("presign", id: "storage.presign", "A URL that downloads or uploads one object without credentials")
                .requires(.permission(Self.write))
                .body(PresignBody.self) {
                    $0["expiresIn"]?.range(1...Double(maxExpiry))
                    $0["expiresIn"]?.boundedBy(setting: "STORAGE_PRESIGN_MAX_EXPIRY")
                }
                .responds(.ok, PresignedURL.self)
                .problems(.badRequest)
                .handle { input, context in try await mapped { try await presign(input.body, context) } },
            Route.get("signed/**", id: "storage.signed.get", "Download through a presigned URL")
                .requires(.public)
                .query(SignedQuery.self)
                .header("Range", .string, "bytes=first-last, first- or -count")
                .streams(.ok, .bytes(contentType: "*/*"), "the object's bytes")
                .streams(.partialContent, .bytes(contentType: "*/*"), "the requested range")
                .problems(.badRequest, .forbidden, .notFound, .rangeNotSatisfiable)
                .handle { input, context in try await mapped { try await signedGet(input.request, input.query, context) } },
            Route.put("signed/**", id: "storage.signed.put", "Upload through a presigned URL")
                .requires(.public)
                .query(SignedQuery.self)
                .rawBody("application/octet-stream", required: false)
                .bodyLimit(upload)
                .responds(.created, ObjectDTO.self)
                .problems(.badRequest, .forbidden, .notFound, .conflict)
                .handle { input, context in try await mapped { try await signedPut(input.request, input.query, context) } },
        ]
    }

    /// Each segment of a key in a path (keys with folders send their '/' unencoded): no '\\',
    /// control character or encoded slash, not '.' or '..'.
    static let keySegment: Schema = {
        var schema = Schema.string
        schema.pattern = #"^(?!\.\.?$)(?!.*%(2[fF]|5[cC]))[^/\\\u0000-\u001f\u007f]+$"#
        schema.length(1...200)
        return schema
    }()

    /// A key in a body: relative, '/'-separated segments, none empty, '.' or '..'; no '\\',
    /// encoded slash or control character; at most 240 characters.
    static let key: Schema = {
        var schema = Schema.string
        schema.pattern = #"^(?!/)(?!.*//)(?!(.*/)?\.\.?(/|$))(?!.*%(2[fF]|5[cC]))[^\\\u0000-\u001f\u007f]*[^/\\\u0000-\u001f\u007f]$"#
        schema.length(1...240)
        return schema
    }()

    /// A key prefix (for listing, or put before uploaded files' names): a key that may end in '/'.
    static let prefix: Schema = {
        var schema = Schema.string
        schema.pattern = #"^(?!/)(?!.*//)(?!(.*/)?\.\.?(/|$))(?!.*%(2[fF]|5[cC]))[^\\\u0000-\u001f\u007f]*$"#
        schema.length(0...240)
        return schema
    }()

    struct PrefixQuery: Decodable, Sendable, SchemaDescribing {
        /// Put before each file's name.
        var prefix: String?
        static var schema: Schema { .derived(from: Self.self) { $0["prefix"] = StorageRoutes.prefix.described("put before each file's name") } }
    }

    struct ListQuery: Decodable, Sendable, SchemaDescribing {
        var prefix: String?
        var cursor: String?
        var limit: Int?

        static var schema: Schema {
            .derived(from: Self.self) {
                $0["limit"]?.range(1...1000)
                $0["limit"]?.description = "page size, 1-1000; default 100"
                $0["prefix"] = StorageRoutes.prefix.described("only keys that start with it")
                $0["cursor"]?.description = "the nextCursor of the previous page"
            }
        }
    }

    struct SignedQuery: Decodable, Sendable, SchemaDescribing {
        var method: String
        var expires: Int
        var signature: String

        static var schema: Schema {
            .derived(from: Self.self) { $0["method"] = .oneOf(["GET", "PUT"]) }
        }
    }

    /// Storage failures become problems here, where the upload limit is known.
    func mapped(_ body: () async throws -> Response) async throws -> Response {
        do { return try await body() } catch { throw StorageRequest.problem(error, maxUploadSize: configuration.maxUploadSize) }
    }

    // MARK: Upload

    func putRaw(_ request: Request, _ context: PlinthRequestContext) async throws -> Response {
        let key = try StorageRequest.key(try StorageRequest.scope(context), try StorageRequest.rawRest(context))
        let info = try await stream(request, to: key, contentType: request.headers[.contentType] ?? "application/octet-stream")
        return try json(.created, ObjectDTO(info, scope: key.scope))
    }

    func putForm(_ request: Request, _ query: PrefixQuery, _ context: PlinthRequestContext) async throws -> Response {
        let scope = try StorageRequest.scope(context)
        guard let boundary = request.headers[.contentType].flatMap(FormUpload.boundary) else {
            throw Problem(.unsupportedMediaType, detail: "send multipart/form-data with a boundary, or PUT the raw body to /api/storage/objects/{key}")
        }
        let stored = try await FormUpload(store: store, scope: scope, limit: configuration.maxUploadSize).run(request, boundary: boundary, queryPrefix: query.prefix)
        guard !stored.isEmpty else { throw Problem(.badRequest, type: "invalid-form", detail: "the form has no file part (a part with a filename)") }
        return try json(.created, UploadedDTO(objects: stored.map { ObjectDTO($0, scope: scope) }))
    }

    /// Streams the request body into `key`, refusing it past STORAGE_MAX_UPLOAD_SIZE.
    func stream(_ request: Request, to key: BlobKey, contentType: String) async throws -> BlobInfo {
        let upload = try await store.beginUpload(key, contentType: contentType, size: request.headers[.contentLength].flatMap { Int($0) })
        do {
            var total = 0
            for try await chunk in request.body {
                total += chunk.readableBytes
                guard total <= configuration.maxUploadSize else { throw BlobStoreError.tooLarge(limit: configuration.maxUploadSize) }
                try await upload.write(chunk)
            }
            return try await upload.finish()
        } catch {
            await upload.abort()
            throw error
        }
    }

    // MARK: Download and listing

    func download(_ request: Request, _ context: PlinthRequestContext, headOnly: Bool) async throws -> Response {
        let key = try StorageRequest.key(try StorageRequest.scope(context), try StorageRequest.rawRest(context))
        if headOnly {
            // HEAD answers from the metadata: it never opens (or downloads) the object.
            guard let info = try await store.head(key) else { throw BlobStoreError.notFound(key.storagePath) }
            let object = BlobObject(info: info, range: info.size > 0 ? 0...(info.size - 1) : nil, body: .empty)
            return ObjectResponse.make(object, ranged: false, headOnly: true)
        }
        let range = try StorageRequest.range(request)
        let object = try await store.get(key, range: range)
        return ObjectResponse.make(object, ranged: range != nil, headOnly: false)
    }

    func list(_ query: ListQuery, _ context: PlinthRequestContext) async throws -> Response {
        let scope = try StorageRequest.scope(context)
        let storagePrefix: String
        do { storagePrefix = try BlobKey.listPrefix(scope, query.prefix ?? "") } catch { throw Problem(.badRequest, type: "invalid-key", detail: error.description) }
        let page = try await store.list(prefix: storagePrefix, cursor: query.cursor, limit: query.limit ?? 100)
        return try json(.ok, PageDTO(items: page.items.map { ObjectDTO($0, scope: scope) }, nextCursor: page.nextCursor))
    }

    // MARK: Batch, copy, presign

    struct KeysBody: Decodable, Sendable, SchemaDescribing {
        var keys: [String]

        static var schema: Schema {
            .derived(from: Self.self) {
                $0["keys"]?.items = StorageRoutes.key
                $0["keys"]?.length(1...1000)
                $0.example = ["keys": ["reports/2026.pdf", "reports/2025.pdf"]]
            }
        }
    }

    func deleteMany(_ body: KeysBody, _ context: PlinthRequestContext) async throws -> Response {
        let scope = try StorageRequest.scope(context)
        let keys = try body.keys.map { try StorageRequest.key(scope, $0) }
        let failed = try await store.delete(keys)
        let failures = Dictionary(uniqueKeysWithValues: failed.map { ($0.key.path, $0.value) })
        return try json(.ok, DeletedDTO(deleted: keys.filter { failed[$0] == nil }.map(\.path), failed: failures.isEmpty ? nil : failures))
    }

    struct CopyBody: Decodable, Sendable, SchemaDescribing {
        var from: String
        var to: String

        static var schema: Schema {
            .derived(from: Self.self) {
                $0["from"] = StorageRoutes.key
                $0["to"] = StorageRoutes.key
                $0.example = ["from": "reports/2026.pdf", "to": "archive/2026.pdf"]
            }
        }
    }

    func copy(_ body: CopyBody, _ context: PlinthRequestContext) async throws -> Response {
        let scope = try StorageRequest.scope(context)
        let info = try await store.copy(try StorageRequest.key(scope, body.from), to: try StorageRequest.key(scope, body.to))
        return try json(.created, ObjectDTO(info, scope: scope))
    }

    struct PresignBody: Decodable, Sendable, SchemaDescribing {
        var key: String
        var method: PresignMethod?
        var expiresIn: Int?
        var contentType: String?

        static var schema: Schema {
            .derived(from: Self.self) {
                $0["key"] = StorageRoutes.key
                $0["method"]?.description = "default GET"
                $0["expiresIn"]?.description = "seconds; default STORAGE_PRESIGN_EXPIRY, at most STORAGE_PRESIGN_MAX_EXPIRY"
                $0["contentType"]?.description = "for PUT: the Content-Type the upload must send; default application/octet-stream"
                $0.example = ["key": "reports/2026.pdf", "method": "PUT", "expiresIn": 300, "contentType": "application/pdf"]
            }
        }
    }

    func presign(_ body: PresignBody, _ context: PlinthRequestContext) async throws -> Response {
        let scope = try StorageRequest.scope(context)
        let method = body.method ?? .get
        let expires = body.expiresIn ?? configuration.presignExpiry
        let key = try StorageRequest.key(scope, body.key)
        let contentType = method == .put ? (body.contentType ?? "application/octet-stream") : nil
        return try json(.ok, try await store.presign(method, key, expires: expires, contentType: contentType))
    }

    // MARK: Local driver's signed URLs

    func signedCheck(_ request: Request, _ query: SignedQuery, _ context: PlinthRequestContext, method: PresignMethod) throws -> BlobKey {
        guard let signer else { throw Problem(.notFound, detail: "signed URLs are served by S3 with the s3 driver") }
        // No signature is valid for a path that names no object.
        guard let key = try? StorageRequest.key(storagePath: try StorageRequest.rawRest(context)) else {
            throw Problem(.forbidden, type: "invalid-signature", detail: "the URL is not a presigned URL of this server")
        }
        guard query.method == method.rawValue else {
            throw Problem(.forbidden, type: "invalid-signature", detail: "the URL is not a presigned URL for \(method.rawValue)")
        }
        let contentType = method == .put ? request.headers[.contentType] : nil
        if let reason = signer.check(method: method, storagePath: key.storagePath, expiresAt: query.expires, contentType: contentType, signature: query.signature) {
            throw Problem(.forbidden, type: "invalid-signature", detail: reason)
        }
        return key
    }

    func signedGet(_ request: Request, _ query: SignedQuery, _ context: PlinthRequestContext) async throws -> Response {
        let key = try signedCheck(request, query, context, method: .get)
        let range = try StorageRequest.range(request)
        return ObjectResponse.make(try await store.get(key, range: range), ranged: range != nil)
    }

    func signedPut(_ request: Request, _ query: SignedQuery, _ context: PlinthRequestContext) async throws -> Response {
        let key = try signedCheck(request, query, context, method: .put)
        let info = try await stream(request, to: key, contentType: request.headers[.contentType] ?? "application/octet-stream")
        return try json(.created, ObjectDTO(info, scope: key.scope))
    }

    // MARK: Answers

    func json(_ status: HTTPResponse.Status, _ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .internetTime
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// An object as the API shows it: its key relative to the caller's tenant.
struct ObjectDTO: Codable {
    var key: String
    var size: Int
    var contentType: String?
    var etag: String?
    var lastModified: Date?

    init(_ info: BlobInfo, scope: BlobKey.Scope) {
        key = info.key.hasPrefix(scope.prefix) ? String(info.key.dropFirst(scope.prefix.count)) : info.key
        size = info.size
        contentType = info.contentType
        etag = info.etag
        lastModified = info.lastModified
    }
}

struct PageDTO: Codable {
    var items: [ObjectDTO]
    /// The cursor of the next page; absent on the last.
    var nextCursor: String?
}

struct UploadedDTO: Codable {
    var objects: [ObjectDTO]
}

struct DeletedDTO: Codable {
    var deleted: [String]
    /// Key → why it could not be deleted; absent when all were.
    var failed: [String: String]?
}
