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

    func mount(_ routes: PluginRoutes) throws {
        let upload = RouteBodyLimit(bytes: configuration.maxUploadSize, setting: "STORAGE_MAX_UPLOAD_SIZE")
        try routes.on("objects/**", method: .put, bodyLimit: upload) { request, context in
            try context.authorize(Self.write)
            return try await mapped { try await putRaw(request, context) }
        }
        try routes.on("upload", method: .post, bodyLimit: upload) { request, context in
            try context.authorize(Self.write)
            return try await mapped { try await putForm(request, context) }
        }
        try routes.get("objects/**") { request, context in
            try context.authorize(Self.read)
            return try await mapped { try await download(request, context, headOnly: false) }
        }
        try routes.on("objects/**", method: .head) { request, context in
            try context.authorize(Self.read)
            return try await mapped { try await download(request, context, headOnly: true) }
        }
        try routes.delete("objects/**") { request, context in
            try context.authorize(Self.write)
            return try await mapped {
                let key = try StorageRequest.key(try StorageRequest.scope(context), try StorageRequest.rawRest(context))
                try await store.delete(key)
                return Response(status: .noContent)
            }
        }
        try routes.get("objects") { request, context in
            try context.authorize(Self.read)
            return try await mapped { try await list(request, context) }
        }
        try routes.post("delete") { request, context in
            try context.authorize(Self.write)
            return try await mapped { try await deleteMany(request, context) }
        }
        try routes.post("copy") { request, context in
            try context.authorize(Self.write)
            return try await mapped { try await copy(request, context) }
        }
        try routes.post("presign") { request, context in
            try context.authorize(Self.write)
            return try await mapped { try await presign(request, context) }
        }
        try routes.get("signed/**") { request, context in
            try await mapped { try await signedGet(request, context) }
        }
        try routes.on("signed/**", method: .put, bodyLimit: upload) { request, context in
            try await mapped { try await signedPut(request, context) }
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

    func putForm(_ request: Request, _ context: PlinthRequestContext) async throws -> Response {
        let scope = try StorageRequest.scope(context)
        guard let boundary = request.headers[.contentType].flatMap(FormUpload.boundary) else {
            throw Problem(.unsupportedMediaType, detail: "send multipart/form-data with a boundary, or PUT the raw body to /api/storage/objects/{key}")
        }
        let prefix = request.uri.queryParameters.get("prefix")
        let stored = try await FormUpload(store: store, scope: scope, limit: configuration.maxUploadSize).run(request, boundary: boundary, queryPrefix: prefix)
        guard !stored.isEmpty else { throw Problem(.badRequest, type: "invalid-form", detail: "the form has no file part (a part with a filename)") }
        return try json(.created, ["objects": stored.map { ObjectDTO($0, scope: scope) }])
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

    func list(_ request: Request, _ context: PlinthRequestContext) async throws -> Response {
        let scope = try StorageRequest.scope(context)
        let query = request.uri.queryParameters
        let prefix = query.get("prefix") ?? ""
        let limit = try query.get("limit").map { text -> Int in
            guard let value = Int(text), (1...1000).contains(value) else { throw Problem(.badRequest, type: "invalid-limit", detail: "limit must be 1-1000, not '\(text)'") }
            return value
        } ?? 100
        let storagePrefix: String
        do { storagePrefix = try BlobKey.listPrefix(scope, prefix) } catch { throw Problem(.badRequest, type: "invalid-key", detail: error.description) }
        let page = try await store.list(prefix: storagePrefix, cursor: query.get("cursor"), limit: limit)
        return try json(.ok, PageDTO(items: page.items.map { ObjectDTO($0, scope: scope) }, nextCursor: page.nextCursor))
    }

    // MARK: Batch, copy, presign

    struct KeysBody: Decodable { var keys: [String] }

    func deleteMany(_ request: Request, _ context: PlinthRequestContext) async throws -> Response {
        let scope = try StorageRequest.scope(context)
        let body = try await request.decode(as: KeysBody.self, context: context)
        guard (1...1000).contains(body.keys.count) else { throw Problem(.unprocessableContent, type: "validation", detail: "keys must hold 1-1000 keys") }
        let keys = try body.keys.map { try StorageRequest.key(scope, $0) }
        let failed = try await store.delete(keys)
        let failures = Dictionary(uniqueKeysWithValues: failed.map { ($0.key.path, $0.value) })
        return try json(.ok, ["deleted": keys.filter { failed[$0] == nil }.map(\.path)] as [String: [String]], extra: failures.isEmpty ? nil : ["failed": failures])
    }

    struct CopyBody: Decodable { var from: String; var to: String }

    func copy(_ request: Request, _ context: PlinthRequestContext) async throws -> Response {
        let scope = try StorageRequest.scope(context)
        let body = try await request.decode(as: CopyBody.self, context: context)
        let info = try await store.copy(try StorageRequest.key(scope, body.from), to: try StorageRequest.key(scope, body.to))
        return try json(.created, ObjectDTO(info, scope: scope))
    }

    struct PresignBody: Decodable {
        var key: String
        var method: String?
        var expiresIn: Int?
        var contentType: String?
    }

    func presign(_ request: Request, _ context: PlinthRequestContext) async throws -> Response {
        let scope = try StorageRequest.scope(context)
        let body = try await request.decode(as: PresignBody.self, context: context)
        guard let method = PresignMethod(rawValue: (body.method ?? "GET").uppercased()) else {
            throw Problem(.unprocessableContent, type: "validation", detail: "method must be GET or PUT")
        }
        let expires = body.expiresIn ?? configuration.presignExpiry
        guard (1...configuration.presignMaxExpiry).contains(expires) else {
            throw Problem(.unprocessableContent, type: "validation", detail: "expiresIn must be 1-\(configuration.presignMaxExpiry) seconds (STORAGE_PRESIGN_MAX_EXPIRY)")
        }
        let key = try StorageRequest.key(scope, body.key)
        let contentType = method == .put ? (body.contentType ?? "application/octet-stream") : nil
        return try json(.ok, try await store.presign(method, key, expires: expires, contentType: contentType))
    }

    // MARK: Local driver's signed URLs

    func signedCheck(_ request: Request, _ context: PlinthRequestContext, method: PresignMethod) throws -> BlobKey {
        guard let signer else { throw Problem(.notFound, detail: "signed URLs are served by S3 with the s3 driver") }
        let key = try StorageRequest.key(storagePath: try StorageRequest.rawRest(context))
        let query = request.uri.queryParameters
        guard query.get("method") == method.rawValue, let expires = query.get("expires").flatMap(Int.init), let signature = query.get("signature") else {
            throw Problem(.forbidden, type: "invalid-signature", detail: "the URL is not a presigned URL for \(method.rawValue)")
        }
        let contentType = method == .put ? request.headers[.contentType] : nil
        if let reason = signer.check(method: method, storagePath: key.storagePath, expiresAt: expires, contentType: contentType, signature: signature) {
            throw Problem(.forbidden, type: "invalid-signature", detail: reason)
        }
        return key
    }

    func signedGet(_ request: Request, _ context: PlinthRequestContext) async throws -> Response {
        let key = try signedCheck(request, context, method: .get)
        let range = try StorageRequest.range(request)
        return ObjectResponse.make(try await store.get(key, range: range), ranged: range != nil)
    }

    func signedPut(_ request: Request, _ context: PlinthRequestContext) async throws -> Response {
        let key = try signedCheck(request, context, method: .put)
        let info = try await stream(request, to: key, contentType: request.headers[.contentType] ?? "application/octet-stream")
        return try json(.created, ObjectDTO(info, scope: key.scope))
    }

    // MARK: Answers

    func json(_ status: HTTPResponse.Status, _ value: some Encodable, extra: [String: [String: String]]? = nil) throws -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        if let extra, var object = try JSONSerialization.jsonObject(with: data) as? [String: Any] {
            for (name, value) in extra { object[name] = value }
            data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// An object as the API shows it: its key relative to the caller's tenant.
struct ObjectDTO: Encodable {
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

struct PageDTO: Encodable {
    var items: [ObjectDTO]
    var nextCursor: String?
}
