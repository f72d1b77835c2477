import Crypto
import Foundation
import NIOCore
import PlinthKernel
@testable import PlinthStorage
import Synchronization
import Testing

/// The `BlobStore` contract, the same for local disk and for S3 (moto).
@Suite struct BlobStoreTests {
    static func withStore(_ driver: StorageDriver, partSize: Int? = nil, _ body: (any BlobStore) async throws -> Void) async throws {
        let folder = try storageFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try await driver.makeStore(folder: folder, partSize: partSize)
        let s3 = store as? S3BlobStore
        do {
            try await body(store)
        } catch {
            await s3?.client.shutdown()
            throw error
        }
        await s3?.client.shutdown()
    }

    @Test(arguments: StorageDriver.all)
    func putThenGetReturnsTheBytesAndMetadata(driver: StorageDriver) async throws {
        try await Self.withStore(driver) { store in
            let key = try BlobKey(tenant: "acme", path: "docs/hello world ü.txt")
            let put = try await store.put(key, contentType: "text/plain", body: ByteBuffer(string: "hello, storage"))
            #expect(put.size == 14)
            let object = try await store.get(key)
            #expect(String(buffer: try await object.body.collect(upTo: 1 << 20)) == "hello, storage")
            #expect(object.info.size == 14)
            #expect(object.info.contentType == "text/plain")
            #expect(object.info.etag == "\"" + Insecure.MD5.hash(data: Data("hello, storage".utf8)).map { String(format: "%02x", $0) }.joined() + "\"")
            let head = try #require(try await store.head(key))
            #expect(head.size == 14)
            #expect(head.contentType == "text/plain")
        }
    }

    @Test(arguments: StorageDriver.all)
    func rangesServeTheRequestedBytes(driver: StorageDriver) async throws {
        try await Self.withStore(driver) { store in
            let key = try BlobKey(system: "digits")
            try await store.put(key, contentType: nil, body: ByteBuffer(string: "0123456789"))
            let cases: [(ByteRange, String, ClosedRange<Int>)] = [(.bounded(2, 4), "234", 2...4), (.from(7), "789", 7...9), (.suffix(3), "789", 7...9), (.bounded(8, 100), "89", 8...9)]
            for (range, expected, served) in cases {
                let object = try await store.get(key, range: range)
                #expect(String(buffer: try await object.body.collect(upTo: 100)) == expected)
                #expect(object.range == served)
                #expect(object.info.size == 10)
            }
            await #expect(throws: BlobStoreError.rangeNotSatisfiable(size: 10)) { _ = try await store.get(key, range: .from(10)) }
        }
    }

    @Test(arguments: StorageDriver.all)
    func missingObjectsAreNotFound(driver: StorageDriver) async throws {
        try await Self.withStore(driver) { store in
            let key = try BlobKey(tenant: "acme", path: "nope")
            await #expect(throws: BlobStoreError.notFound(key.storagePath)) { _ = try await store.get(key) }
            #expect(try await store.head(key) == nil)
            try await store.delete(key) // deleting nothing is fine, as in S3
        }
    }

    @Test(arguments: StorageDriver.all)
    func deleteRemovesOneOrMany(driver: StorageDriver) async throws {
        try await Self.withStore(driver) { store in
            let keys = try (0..<5).map { try BlobKey(tenant: "acme", path: "batch/\($0).txt") }
            for key in keys { try await store.put(key, contentType: nil, body: ByteBuffer(string: key.path)) }
            try await store.delete(keys[0])
            #expect(try await store.head(keys[0]) == nil)
            let failed = try await store.delete(Array(keys[1...3]))
            #expect(failed.isEmpty)
            let left = try await store.list(prefix: "tenants/acme/batch/", cursor: nil, limit: 100)
            #expect(left.items.map(\.key) == ["tenants/acme/batch/4.txt"])
        }
    }

    @Test(arguments: StorageDriver.all)
    func listPagesInKeyOrderWithinThePrefix(driver: StorageDriver) async throws {
        try await Self.withStore(driver) { store in
            let names = ["b/2", "a/1", "b/1", "c", "b/10", "bb"]
            for name in names { try await store.put(try BlobKey(tenant: "acme", path: name), contentType: nil, body: ByteBuffer(string: name)) }
            try await store.put(try BlobKey(tenant: "other", path: "b/9"), contentType: nil, body: ByteBuffer(string: "x"))
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let page = try await store.list(prefix: "tenants/acme/b", cursor: cursor, limit: 2)
                seen += page.items.map(\.key)
                cursor = page.nextCursor
                pages += 1
            } while cursor != nil && pages < 10
            #expect(seen == ["tenants/acme/b/1", "tenants/acme/b/10", "tenants/acme/b/2", "tenants/acme/bb"])
            #expect(pages == 2)
            let all = try await store.list(prefix: "tenants/acme/", cursor: nil, limit: 1000)
            #expect(all.items.count == names.count)
            #expect(all.items.first { $0.key == "tenants/acme/b/10" }?.size == 4)
        }
    }

    @Test(arguments: StorageDriver.all)
    func copyDuplicatesAnObject(driver: StorageDriver) async throws {
        try await Self.withStore(driver) { store in
            let source = try BlobKey(tenant: "acme", path: "src/a b.txt")
            let target = try BlobKey(tenant: "acme", path: "dst/a b.txt")
            try await store.put(source, contentType: "text/plain", body: ByteBuffer(string: "copy me"))
            let info = try await store.copy(source, to: target)
            #expect(info.size == 7)
            #expect(String(buffer: try await store.get(target).body.collect(upTo: 100)) == "copy me")
            #expect(try await store.head(target)?.contentType == "text/plain")
            await #expect(throws: BlobStoreError.notFound("tenants/acme/none")) { _ = try await store.copy(try BlobKey(tenant: "acme", path: "none"), to: target) }
        }
    }

    @Test(arguments: StorageDriver.all)
    func largeUploadsStreamInPartsAndReadBackIntact(driver: StorageDriver) async throws {
        // 12 MiB in 5 MiB parts: three parts on S3 (threshold 10 MiB), one file locally.
        try await Self.withStore(driver, partSize: 5 << 20) { store in
            let bytes = testBytes(12 << 20)
            let key = try BlobKey(tenant: "acme", path: "big.bin")
            let upload = try await store.beginUpload(key, contentType: "application/octet-stream")
            for start in stride(from: 0, to: bytes.count, by: 64 << 10) {
                try await upload.write(ByteBuffer(bytes: bytes[start..<min(bytes.count, start + (64 << 10))]))
            }
            let info = try await upload.finish()
            #expect(info.size == bytes.count)
            if case .s3 = driver { #expect(info.etag?.hasSuffix("-3\"") == true, "a multipart ETag ends in -<parts>: \(info.etag ?? "nil")") }
            let object = try await store.get(key)
            let digest = SHA256Box()
            try await object.body.stream { chunk in digest.update(chunk) }
            #expect(digest.hex == SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined())
        }
    }

    @Test(arguments: StorageDriver.s3Only)
    func aBodyDeclaredLargerThanTheThresholdSendsItsFirstPartAtOnce(driver: StorageDriver) async throws {
        try await Self.withStore(driver, partSize: 5 << 20) { store in
            let s3 = try #require(store as? S3BlobStore)
            func uploadsInProgress() async throws -> Int {
                let response = try await s3.client.send(.GET, key: nil, query: [("uploads", "")])
                return S3XML.all("UploadId", in: String(buffer: try await response.body.collect(upTo: 1 << 20))).count
            }
            let bytes = testBytes(12 << 20)
            let declared = try await store.beginUpload(try BlobKey(tenant: "acme", path: "declared.bin"), contentType: nil, size: bytes.count)
            try await declared.write(ByteBuffer(bytes: bytes[..<(5 << 20)]))
            #expect(try await uploadsInProgress() == 1)
            // Without a declared size the first 10 MiB are held to choose between one PUT and parts.
            let undeclared = try await store.beginUpload(try BlobKey(tenant: "acme", path: "undeclared.bin"), contentType: nil)
            try await undeclared.write(ByteBuffer(bytes: bytes[..<(5 << 20)]))
            #expect(try await uploadsInProgress() == 1)
            await undeclared.abort()
            try await declared.write(ByteBuffer(bytes: bytes[(5 << 20)...]))
            let info = try await declared.finish()
            #expect(info.etag?.hasSuffix("-3\"") == true, "a multipart ETag ends in -<parts>: \(info.etag ?? "nil")")
            let stored = try await store.get(try BlobKey(tenant: "acme", path: "declared.bin")).body.collect(upTo: 13 << 20)
            #expect(stored == ByteBuffer(bytes: bytes))
        }
    }

    @Test(arguments: StorageDriver.all)
    func abortedUploadLeavesNothingBehind(driver: StorageDriver) async throws {
        try await Self.withStore(driver, partSize: 5 << 20) { store in
            let key = try BlobKey(tenant: "acme", path: "aborted.bin")
            try await store.put(key, contentType: nil, body: ByteBuffer(string: "old"))
            let upload = try await store.beginUpload(key, contentType: nil)
            try await upload.write(ByteBuffer(bytes: testBytes(11 << 20)))
            await upload.abort()
            // The previous version is untouched and no half-written object appeared.
            #expect(String(buffer: try await store.get(key).body.collect(upTo: 100)) == "old")
            if let s3 = store as? S3BlobStore {
                let response = try await s3.client.send(.GET, key: nil, query: [("uploads", "")])
                let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
                #expect(S3XML.all("UploadId", in: text).isEmpty, "aborted multipart uploads are gone: \(text)")
            }
        }
    }

    @Test(arguments: StorageDriver.all)
    func presignedURLsCarryExpiryAndSignedContentType(driver: StorageDriver) async throws {
        try await Self.withStore(driver) { store in
            let key = try BlobKey(tenant: "acme", path: "p.txt")
            let get = try await store.presign(.get, key, expires: 300, contentType: nil)
            #expect(get.expiresAt.timeIntervalSinceNow > 290 && get.expiresAt.timeIntervalSinceNow <= 300)
            #expect(get.headers.isEmpty)
            let put = try await store.presign(.put, key, expires: 60, contentType: "image/png")
            #expect(put.headers == ["Content-Type": "image/png"])
            if case .s3 = driver {
                #expect(put.url.contains("X-Amz-SignedHeaders=content-type%3Bhost"))
                #expect(get.url.contains("X-Amz-Expires=300"))
            }
        }
    }
}

/// Accumulates a SHA-256 from a `@Sendable` consumer that is called one chunk at a time.
final class SHA256Box: Sendable {
    private let state = Mutex(SHA256())
    func update(_ chunk: ByteBuffer) { state.withLock { hash in chunk.withUnsafeReadableBytes { hash.update(bufferPointer: $0) } } }
    var hex: String { state.withLock { $0.finalize().map { String(format: "%02x", $0) }.joined() } }
}
