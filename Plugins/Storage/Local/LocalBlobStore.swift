import Crypto
import Foundation
import NIOCore
import NIOFileSystem

/// Objects as files under `root/objects/{storage path}`, with their content type and entity tag
/// in `root/meta/{storage path}.json`. Uploads go to a hidden temporary file that is renamed
/// into place on `finish()`, so a reader sees the old object or the new one, never half of one.
/// Presigned URLs point at this server's `/api/storage/signed/...` route, signed with HMAC.
public struct LocalBlobStore: BlobStore {
    public var driver: String { "local" }
    let root: FilePath
    let signer: LocalURLSigner
    /// Chunk size of reads. 256 KiB keeps syscalls few without holding much per download.
    static let readChunk: ByteCount = .kibibytes(256)

    public init(root: String, signer: LocalURLSigner) {
        self.root = FilePath(root)
        self.signer = signer
    }

    func objectPath(_ storagePath: String) -> FilePath { root.appending("objects").appending(storagePath) }
    func metaPath(_ storagePath: String) -> FilePath { root.appending("meta").appending(storagePath + ".json") }

    /// Creates the folders; fails at startup, naming the folder, if it cannot be written.
    public func prepare() async throws {
        for folder in ["objects", "meta"] {
            try await Self.makeDirectory(root.appending(folder))
        }
    }

    /// `size` changes nothing on disk: the file grows as chunks arrive.
    public func beginUpload(_ key: BlobKey, contentType: String?, size: Int?) async throws -> any BlobUpload {
        let path = objectPath(key.storagePath)
        try await Self.makeDirectory(path.removingLastComponent())
        let handle = try await FileSystem.shared.openFile(forWritingAt: path, options: .newFile(replaceExisting: true))
        return LocalBlobUpload(store: self, key: key, contentType: contentType, handle: handle)
    }

    public func get(_ key: BlobKey, range: ByteRange?) async throws -> BlobObject {
        guard let info = try await head(key) else { throw BlobStoreError.notFound(key.storagePath) }
        var served: ClosedRange<Int>? = info.size > 0 ? 0...(info.size - 1) : nil
        if let range {
            guard let resolved = range.resolve(size: info.size) else { throw BlobStoreError.rangeNotSatisfiable(size: info.size) }
            served = resolved
        }
        let path = objectPath(key.storagePath)
        let bounds = served.map { Int64($0.lowerBound)..<Int64($0.upperBound + 1) } ?? 0..<0
        let body = BlobBody { consume in
            guard !bounds.isEmpty else { return }
            try await FileSystem.shared.withFileHandle(forReadingAt: path) { handle in
                for try await chunk in handle.readChunks(in: bounds, chunkLength: Self.readChunk) {
                    try await consume(chunk)
                }
            }
        }.readingAhead()
        return BlobObject(info: info, range: served, body: body)
    }

    public func head(_ key: BlobKey) async throws -> BlobInfo? {
        try await info(storagePath: key.storagePath)
    }

    func info(storagePath: String) async throws -> BlobInfo? {
        guard let file = try await FileSystem.shared.info(forFileAt: objectPath(storagePath)), file.type == .regular else { return nil }
        let meta = try? await LocalMetadata.read(metaPath(storagePath))
        let modified = Date(timeIntervalSince1970: Double(file.lastDataModificationTime.seconds) + Double(file.lastDataModificationTime.nanoseconds) / 1e9)
        return BlobInfo(key: storagePath, size: Int(file.size), contentType: meta?.contentType, etag: meta?.etag, lastModified: modified)
    }

    public func delete(_ key: BlobKey) async throws {
        try await FileSystem.shared.removeItem(at: objectPath(key.storagePath), strategy: .platformDefault, recursively: false)
        try await FileSystem.shared.removeItem(at: metaPath(key.storagePath), strategy: .platformDefault, recursively: false)
        pruneEmptyFolders(above: key)
    }

    public func delete(_ keys: [BlobKey]) async throws -> [BlobKey: String] {
        var failed: [BlobKey: String] = [:]
        for key in keys {
            do { try await delete(key) } catch { failed[key] = "\(error)" }
        }
        return failed
    }

    public func list(prefix: String, cursor: String?, limit: Int) async throws -> BlobPage {
        // Walk only the deepest folder the prefix names; keys are sorted as S3 sorts them (bytes).
        let folder = prefix.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let start = folder.isEmpty ? root.appending("objects") : root.appending("objects").appending(folder)
        let objects = root.appending("objects")
        var keys: [String] = []
        guard try await FileSystem.shared.info(forFileAt: start)?.type == .directory else { return BlobPage(items: [], nextCursor: nil) }
        try await FileSystem.shared.withDirectoryHandle(atPath: start) { directory in
            for try await entry in directory.listContents(recursive: true) where entry.type == .regular {
                var relative = entry.path
                guard relative.removePrefix(objects) else { continue }
                let key = relative.string
                if key.hasPrefix(prefix) && !key.contains("/.tmp-") { keys.append(key) }
            }
        }
        keys.sort { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        let after = cursor.flatMap(LocalBlobStore.decodeCursor)
        let remaining = after.map { after in keys.drop { !Array(after.utf8).lexicographicallyPrecedes(Array($0.utf8)) } } ?? keys[...]
        let page = Array(remaining.prefix(limit))
        var items: [BlobInfo] = []
        for key in page {
            if let info = try await info(storagePath: key) { items.append(info) }
        }
        let next = remaining.count > limit ? page.last.map(LocalBlobStore.encodeCursor) : nil
        return BlobPage(items: items, nextCursor: next)
    }

    public func copy(_ source: BlobKey, to destination: BlobKey) async throws -> BlobInfo {
        let object = try await get(source)
        return try await put(destination, contentType: object.info.contentType, from: object.body)
    }

    public func presign(_ method: PresignMethod, _ key: BlobKey, expires: Int, contentType: String?) async throws -> PresignedURL {
        signer.url(method: method, storagePath: key.storagePath, expires: expires, contentType: contentType)
    }

    // MARK: Helpers

    static func makeDirectory(_ path: FilePath) async throws {
        do {
            try await FileSystem.shared.createDirectory(at: path, withIntermediateDirectories: true, permissions: nil)
        } catch let error as FileSystemError where error.code == .fileAlreadyExists {
            return
        }
    }

    /// Removes folders left empty by a delete, up to the scope's root; `rmdir` refuses non-empty
    /// folders, which is the check.
    func pruneEmptyFolders(above key: BlobKey) {
        var segments = key.path.split(separator: "/").dropLast()
        while !segments.isEmpty {
            let folder = key.scope.prefix + segments.joined(separator: "/")
            guard rmdir(objectPath(folder).string) == 0 else { break }
            _ = rmdir(metaPath(folder).removingLastComponent().appending(String(segments.last!)).string)
            segments = segments.dropLast()
        }
    }

    static func encodeCursor(_ key: String) -> String { Data(key.utf8).base64EncodedString() }
    static func decodeCursor(_ cursor: String) -> String? { Data(base64Encoded: cursor).flatMap { String(data: $0, encoding: .utf8) } }
}
