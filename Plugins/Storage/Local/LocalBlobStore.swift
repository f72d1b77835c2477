import Crypto
import Foundation
import NIOCore
import NIOFileSystem

/// Objects as files under `root/objects/{storage path}`, with their content type and entity tag
/// in `root/meta/{storage path}` (the same tree, so that an object's metadata can collide with
/// nothing but what its object collides with; files of earlier versions, `{storage path}.json`,
/// are still read). Uploads go to a hidden temporary file that is renamed
/// into place on `finish()`, so a reader sees the old object or the new one, never half of one.
/// Presigned URLs point at this server's `/api/storage/signed/...` route, signed with HMAC.
public struct LocalBlobStore: BlobStore {
    public var driver: String { "local" }
    let root: FilePath
    let signer: LocalURLSigner
    /// Where listings come from; `nil` (a store made without a database, in tests) walks the disk.
    let index: LocalObjectIndex?
    /// Chunk size of reads. 256 KiB keeps syscalls few without holding much per download.
    static let readChunk: ByteCount = .kibibytes(256)

    init(root: String, signer: LocalURLSigner, index: LocalObjectIndex?) {
        self.root = FilePath(root)
        self.signer = signer
        self.index = index
    }

    func objectPath(_ storagePath: String) -> FilePath { root.appending("objects").appending(storagePath) }
    func metaPath(_ storagePath: String) -> FilePath { root.appending("meta").appending(storagePath) }
    func legacyMetaPath(_ storagePath: String) -> FilePath { root.appending("meta").appending(storagePath + ".json") }

    /// Creates the folders, and indexes the files already there on the first start with this
    /// root; fails at startup, naming the folder, if it cannot be written.
    public func prepare() async throws {
        for folder in ["objects", "meta"] {
            try await Self.makeDirectory(root.appending(folder))
        }
        guard let index, try await !index.isBuilt() else { return }
        for key in try await walk(prefix: "") {
            if let info = try await info(storagePath: key) { try await index.record(info) }
        }
        try await index.markBuilt()
    }

    /// `size` changes nothing on disk: the file grows as chunks arrive.
    public func beginUpload(_ key: BlobKey, contentType: String?, size: Int?) async throws -> any BlobUpload {
        let path = objectPath(key.storagePath)
        // A collision is diagnosed only when the file system refuses, so uploads pay nothing for it.
        do {
            try await Self.makeDirectory(path.removingLastComponent())
            let handle = try await FileSystem.shared.openFile(forWritingAt: path, options: .newFile(replaceExisting: true))
            return LocalBlobUpload(store: self, key: key, contentType: contentType, handle: handle)
        } catch let error as FileSystemError {
            throw await collision(key) ?? error
        }
    }

    /// Why `key` cannot be a file here, if it cannot: an object stands where one of its folders
    /// must be, or other keys continue below it. S3 allows both; a file system does not.
    func collision(_ key: BlobKey) async -> BlobStoreError? {
        // A path through a file cannot even be looked up (ENOTDIR): that is "absent" here.
        func type(_ path: String) async -> FileType? { (try? await FileSystem.shared.info(forFileAt: objectPath(path)))??.type }
        if await type(key.storagePath) == .directory {
            return .conflict("'\(key.path)' cannot be an object: other objects' keys continue with '\(key.path)/'")
        }
        var folder = ""
        for segment in key.path.split(separator: "/").dropLast() {
            folder += (folder.isEmpty ? "" : "/") + segment
            if await type(key.scope.prefix + folder) == .regular {
                return .conflict("'\(key.path)' cannot be an object: '\(folder)' is one, and an object cannot also be a folder")
            }
        }
        return nil
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
        var meta = try? await LocalMetadata.read(metaPath(storagePath))
        if meta == nil { meta = try? await LocalMetadata.read(legacyMetaPath(storagePath)) }
        let modified = Date(timeIntervalSince1970: Double(file.lastDataModificationTime.seconds) + Double(file.lastDataModificationTime.nanoseconds) / 1e9)
        return BlobInfo(key: storagePath, size: Int(file.size), contentType: meta?.contentType, etag: meta?.etag, lastModified: modified)
    }

    public func delete(_ key: BlobKey) async throws {
        try await FileSystem.shared.removeItem(at: objectPath(key.storagePath), strategy: .platformDefault, recursively: false)
        try await index?.remove(key.storagePath)
        try await FileSystem.shared.removeItem(at: metaPath(key.storagePath), strategy: .platformDefault, recursively: false)
        try await FileSystem.shared.removeItem(at: legacyMetaPath(key.storagePath), strategy: .platformDefault, recursively: false)
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
        let after = cursor.flatMap(LocalBlobStore.decodeCursor)
        if let index {
            let (items, more) = try await index.page(prefix: prefix, after: after, limit: limit)
            return BlobPage(items: items, nextCursor: more ? items.last.map { LocalBlobStore.encodeCursor($0.key) } : nil)
        }
        let keys = try await walk(prefix: prefix)
        let remaining = after.map { after in keys.drop { !Array(after.utf8).lexicographicallyPrecedes(Array($0.utf8)) } } ?? keys[...]
        let page = Array(remaining.prefix(limit))
        var items: [BlobInfo] = []
        for key in page {
            if let info = try await info(storagePath: key) { items.append(info) }
        }
        let next = remaining.count > limit ? page.last.map(LocalBlobStore.encodeCursor) : nil
        return BlobPage(items: items, nextCursor: next)
    }

    /// Every key under `prefix` on disk, sorted as S3 sorts them (bytes): the whole walk that the
    /// index saves listings from.
    func walk(prefix: String) async throws -> [String] {
        // Walk only the deepest folder the prefix names.
        let folder = prefix.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let start = folder.isEmpty ? root.appending("objects") : root.appending("objects").appending(folder)
        let objects = root.appending("objects")
        var keys: [String] = []
        guard try await FileSystem.shared.info(forFileAt: start)?.type == .directory else { return [] }
        try await FileSystem.shared.withDirectoryHandle(atPath: start) { directory in
            for try await entry in directory.listContents(recursive: true) where entry.type == .regular {
                var relative = entry.path
                guard relative.removePrefix(objects) else { continue }
                let key = relative.string
                if key.hasPrefix(prefix) && !key.contains("/.tmp-") { keys.append(key) }
            }
        }
        return keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
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
            _ = rmdir(metaPath(folder).string)
            segments = segments.dropLast()
        }
    }

    static func encodeCursor(_ key: String) -> String { Data(key.utf8).base64EncodedString() }
    static func decodeCursor(_ cursor: String) -> String? { Data(base64Encoded: cursor).flatMap { String(data: $0, encoding: .utf8) } }
}
