import Crypto
import Foundation
import PlinthKernel
import NIOCore
import NIOFileSystem

/// A file being written. NIO's `.newFile` handle writes to an unnamed temporary file and links
/// it into place only on `close(makeChangesVisible: true)`, which is what makes `finish()` atomic.
actor LocalBlobUpload: BlobUpload {
    let store: LocalBlobStore
    let key: BlobKey
    let contentType: String?
    var handle: WriteFileHandle?
    var offset: Int64 = 0
    var md5 = Insecure.MD5()

    init(store: LocalBlobStore, key: BlobKey, contentType: String?, handle: WriteFileHandle) {
        self.store = store
        self.key = key
        self.contentType = contentType
        self.handle = handle
    }

    func write(_ chunk: ByteBuffer) async throws {
        guard let handle else { throw BlobStoreError.backend(status: 0, code: "UploadClosed", message: "write after finish or abort") }
        chunk.withUnsafeReadableBytes { md5.update(bufferPointer: $0) }
        offset += try await handle.write(contentsOf: chunk, toAbsoluteOffset: offset)
    }

    func finish() async throws -> BlobInfo {
        guard let handle else { throw BlobStoreError.backend(status: 0, code: "UploadClosed", message: "finish after finish or abort") }
        self.handle = nil
        let etag = "\"" + md5.finalize().hexString + "\""
        let metaPath = store.metaPath(key.storagePath)
        do {
            try await LocalBlobStore.makeDirectory(metaPath.removingLastComponent())
            try await LocalMetadata(contentType: contentType, etag: etag).write(to: metaPath)
            try await handle.close(makeChangesVisible: true)
        } catch {
            try? await handle.close(makeChangesVisible: false)
            throw await store.collision(key) ?? error
        }
        let info = BlobInfo(key: key.storagePath, size: Int(offset), contentType: contentType, etag: etag, lastModified: Date())
        try await store.index?.record(info)
        return info
    }

    func abort() async {
        guard let handle else { return }
        self.handle = nil
        try? await handle.close(makeChangesVisible: false)
    }
}

/// What the file system does not keep for us: content type and entity tag.
struct LocalMetadata: Codable, Sendable {
    var contentType: String?
    var etag: String?

    static func read(_ path: FilePath) async throws -> LocalMetadata {
        let buffer = try await ByteBuffer(contentsOf: path, maximumSizeAllowed: .kibibytes(64))
        return try JSONDecoder().decode(LocalMetadata.self, from: Data(buffer.readableBytesView))
    }

    func write(to path: FilePath) async throws {
        let data = try JSONEncoder().encode(self)
        try await ByteBuffer(bytes: data).write(toFileAt: path, options: .newFile(replaceExisting: true))
    }
}
