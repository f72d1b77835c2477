import AsyncHTTPClient
import Foundation
import NIOCore

/// An upload to S3 that holds at most the multipart threshold plus the parts in flight:
/// below `multipartThreshold` it is one PutObject; above it, a multipart upload whose parts of
/// `partSize` bytes go out while the next part is read (`STORAGE_UPLOAD_CONCURRENCY` at a
/// time, default 6), aborted on any failure. A body declared larger than the threshold starts
/// its multipart upload with the first bytes instead of buffering the threshold to decide.
actor S3Upload: BlobUpload {
    let client: S3Client
    let key: String
    let contentType: String?
    /// Full parts not yet sent: held until the threshold decides between one PUT and parts.
    var pending: [ByteBuffer] = []
    /// The part being filled. Each part is its own buffer, so handing one to an upload task
    /// never makes a later write copy the bytes still being sent (as slices of one big buffer would).
    var current = ByteBuffer()
    var size = 0
    var uploadID: String?
    var nextPart = 1
    var inFlight: [Task<(Int, String), any Error>] = []
    var done: [(Int, String)] = []
    var closed = false
    /// The body was declared larger than the threshold: parts go out from the start.
    let multipartFromStart: Bool

    init(client: S3Client, key: String, contentType: String?, size: Int?) {
        self.client = client
        self.key = key
        self.contentType = contentType
        multipartFromStart = (size ?? 0) >= client.settings.multipartThreshold
    }

    func write(_ chunk: ByteBuffer) async throws {
        guard !closed else { throw BlobStoreError.backend(status: 0, code: "UploadClosed", message: "write after finish or abort") }
        var chunk = chunk
        size += chunk.readableBytes
        let partSize = client.settings.partSize
        while chunk.readableBytes > 0 {
            if current.capacity < partSize { current.reserveCapacity(partSize) }
            var piece = chunk.readSlice(length: min(chunk.readableBytes, partSize - current.readableBytes))!
            current.writeBuffer(&piece)
            if current.readableBytes == partSize {
                pending.append(current)
                current = ByteBuffer()
            }
        }
        if uploadID == nil && (multipartFromStart || pending.count * partSize >= client.settings.multipartThreshold) {
            try await start()
        }
        if uploadID != nil {
            for part in pending { try await send(part) }
            pending.removeAll()
        }
    }

    func finish() async throws -> BlobInfo {
        guard !closed else { throw BlobStoreError.backend(status: 0, code: "UploadClosed", message: "finish after finish or abort") }
        closed = true
        var headers: [(String, String)] = []
        if let contentType { headers.append(("content-type", contentType)) }
        guard let uploadID else {
            var body = ByteBuffer()
            body.reserveCapacity(size)
            for var part in pending { body.writeBuffer(&part) }
            body.writeBuffer(&current)
            pending = []
            let response = try await client.send(.PUT, key: key, headers: headers, body: body)
            return BlobInfo(key: key, size: size, contentType: contentType, etag: response.headers.first(name: "etag"), lastModified: Date())
        }
        do {
            if current.readableBytes > 0 {
                let last = current
                current = ByteBuffer()
                try await send(last)
            }
            for task in inFlight { done.append(try await task.value) }
            inFlight = []
            let xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                + done.sorted { $0.0 < $1.0 }.map { "<Part><PartNumber>\($0.0)</PartNumber><ETag>\(S3XML.escape($0.1))</ETag></Part>" }.joined()
                + "</CompleteMultipartUpload>"
            let response = try await client.send(.POST, key: key, query: [("uploadId", uploadID)], headers: [("content-type", "application/xml")], body: ByteBuffer(string: xml))
            // S3 can answer 200 and report the failure in the body.
            let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
            if let code = S3XML.first("Code", in: text) { throw BlobStoreError.backend(status: 200, code: code, message: S3XML.first("Message", in: text) ?? "") }
            return BlobInfo(key: key, size: size, contentType: contentType, etag: S3XML.first("ETag", in: text), lastModified: Date())
        } catch {
            await abortMultipart()
            throw error
        }
    }

    func abort() async {
        guard !closed || uploadID != nil else { return }
        closed = true
        pending = []
        current = ByteBuffer()
        await abortMultipart()
    }

    private func start() async throws {
        var headers: [(String, String)] = []
        if let contentType { headers.append(("content-type", contentType)) }
        let response = try await client.send(.POST, key: key, query: [("uploads", "")], headers: headers)
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        guard let id = S3XML.first("UploadId", in: text) else {
            throw BlobStoreError.backend(status: 200, code: "NoUploadId", message: "CreateMultipartUpload answered without an UploadId")
        }
        uploadID = id
    }

    private func send(_ part: ByteBuffer) async throws {
        guard let uploadID else { return }
        if inFlight.count >= client.settings.uploadConcurrency {
            let oldest = inFlight.removeFirst()
            do { done.append(try await oldest.value) } catch {
                await abortMultipart()
                throw error
            }
        }
        let number = nextPart
        nextPart += 1
        let client = self.client
        let key = self.key
        inFlight.append(Task {
            let response = try await client.send(.PUT, key: key, query: [("partNumber", String(number)), ("uploadId", uploadID)], body: part)
            guard let etag = response.headers.first(name: "etag") else {
                throw BlobStoreError.backend(status: 200, code: "NoETag", message: "UploadPart \(number) answered without an ETag")
            }
            return (number, etag)
        })
    }

    private func abortMultipart() async {
        for task in inFlight { task.cancel() }
        for task in inFlight { _ = try? await task.value }
        inFlight = []
        guard let uploadID else { return }
        self.uploadID = nil
        closed = true
        do {
            _ = try await client.send(.DELETE, key: key, query: [("uploadId", uploadID)], accept: [200, 204])
        } catch {
            client.logger.warning("could not abort multipart upload; a bucket lifecycle rule should remove it", metadata: ["key": "\(key)", "error": "\(error)"])
        }
    }
}
