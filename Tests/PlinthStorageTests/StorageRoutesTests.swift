import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PlinthKernel
@testable import PlinthStorage
import PlinthTesting
import Testing

/// `/api/storage` over HTTP, on both drivers and both databases.
@Suite struct StorageRoutesTests {
    static func tenant(_ id: String, _ extra: HTTPFields = [:]) -> HTTPFields {
        var fields: HTTPFields = [HTTPField.Name("x-tenant-id")!: id]
        fields.append(contentsOf: extra)
        return fields
    }

    static func withStorage(_ driver: StorageDriver, backend: TestBackend = .sqlite, environment: [String: String] = [:], clock: any KernelClock = SystemClock(),
                            _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let folder = try storageFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var env = try await driver.environment(folder: folder)
        env.merge(environment) { $1 }
        try await TestKernel.run(plugins: [PluginEntry(StoragePlugin.self)], backend: backend, environment: env, clock: clock) { kernel in
            try await kernel.test(body)
        }
    }

    static func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any] ?? [:]
    }

    static var combinations: [(StorageDriver, TestBackend)] {
        StorageDriver.all.flatMap { driver in TestBackend.all.map { (driver, $0) } }
    }

    @Test(arguments: combinations)
    func uploadDownloadListAndDelete(driver: StorageDriver, backend: TestBackend) async throws {
        try await Self.withStorage(driver, backend: backend) { client in
            let bytes = testBytes(300_000)
            try await client.execute(uri: "/api/storage/objects/docs/report%20%C3%BC.bin", method: .put, headers: Self.tenant("acme", [.contentType: "application/pdf"]), body: ByteBuffer(bytes: bytes)) { response async throws in
                #expect(response.status == .created)
                let body = try Self.json(response.body)
                #expect(body["key"] as? String == "docs/report ü.bin")
                #expect(body["size"] as? Int == bytes.count)
            }
            try await client.execute(uri: "/api/storage/objects/docs/report%20%C3%BC.bin", method: .get, headers: Self.tenant("acme")) { response in
                #expect(response.status == .ok)
                #expect(Array(buffer: response.body) == bytes)
                #expect(response.headers[.contentType] == "application/pdf")
                #expect(response.headers[.acceptRanges] == "bytes")
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
            }
            try await client.execute(uri: "/api/storage/objects/docs/report%20%C3%BC.bin", method: .get, headers: Self.tenant("acme", [.range: "bytes=100-199"])) { response in
                #expect(response.status == .partialContent)
                #expect(response.headers[.contentRange] == "bytes 100-199/\(bytes.count)")
                #expect(Array(buffer: response.body) == Array(bytes[100...199]))
            }
            try await client.execute(uri: "/api/storage/objects/docs/report%20%C3%BC.bin", method: .get, headers: Self.tenant("acme", [.range: "bytes=400000-"])) { response in
                #expect(response.status == .rangeNotSatisfiable)
                #expect(response.headers[.contentRange] == "bytes */\(bytes.count)")
            }
            try await client.execute(uri: "/api/storage/objects/docs/report%20%C3%BC.bin", method: .head, headers: Self.tenant("acme")) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentLength] == String(bytes.count))
                #expect(response.body.readableBytes == 0)
            }
            try await client.execute(uri: "/api/storage/objects?prefix=docs/", method: .get, headers: Self.tenant("acme")) { response async throws in
                let items = try #require(try Self.json(response.body)["items"] as? [[String: Any]])
                #expect(items.map { $0["key"] as? String } == ["docs/report ü.bin"])
            }
            try await client.execute(uri: "/api/storage/objects/docs/report%20%C3%BC.bin", method: .delete, headers: Self.tenant("acme")) { response in
                #expect(response.status == .noContent)
            }
            try await client.execute(uri: "/api/storage/objects/docs/report%20%C3%BC.bin", method: .get, headers: Self.tenant("acme")) { response async throws in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
        }
    }

    @Test(arguments: StorageDriver.all)
    func multipartFormUploadStoresEachFile(driver: StorageDriver) async throws {
        try await Self.withStorage(driver) { client in
            let boundary = "----plinth-boundary-7MA4YWxk"
            var form = ""
            form += "--\(boundary)\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\navatars/me.png\r\n"
            form += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"photo.png\"\r\nContent-Type: image/png\r\n\r\n"
            var body = ByteBuffer(string: form)
            let image = testBytes(70_000, seed: 3)
            body.writeBytes(image)
            body.writeString("\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"notes\"; filename=\"notes.txt\"\r\nContent-Type: text/plain\r\n\r\nsecond file\r\n--\(boundary)--\r\n")
            try await client.execute(uri: "/api/storage/upload?prefix=inbox/", method: .post, headers: Self.tenant("acme", [.contentType: "multipart/form-data; boundary=\(boundary)"]), body: body) { response async throws in
                #expect(response.status == .created)
                let objects = try #require(try Self.json(response.body)["objects"] as? [[String: Any]])
                // The key field names the file after it; the next file takes prefix + filename.
                #expect(objects.map { $0["key"] as? String } == ["avatars/me.png", "inbox/notes.txt"])
                #expect(objects.map { $0["size"] as? Int } == [70_000, 11])
            }
            try await client.execute(uri: "/api/storage/objects/avatars/me.png", method: .get, headers: Self.tenant("acme")) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "image/png")
                #expect(Array(buffer: response.body) == image)
            }
            try await client.execute(uri: "/api/storage/objects/inbox/notes.txt", method: .get, headers: Self.tenant("acme")) { response in
                #expect(String(buffer: response.body) == "second file")
            }
        }
    }

    @Test(arguments: StorageDriver.all)
    func aTenantCannotReachAnotherTenantsObjects(driver: StorageDriver) async throws {
        try await Self.withStorage(driver) { client in
            try await client.execute(uri: "/api/storage/objects/secret.txt", method: .put, headers: Self.tenant("alpha"), body: ByteBuffer(string: "alpha's secret")) { response in
                #expect(response.status == .created)
            }
            // Same key from another tenant: a different object, which does not exist.
            try await client.execute(uri: "/api/storage/objects/secret.txt", method: .get, headers: Self.tenant("beta")) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/api/storage/objects", method: .get, headers: Self.tenant("beta")) { response async throws in
                #expect((try Self.json(response.body)["items"] as? [Any])?.isEmpty == true)
            }
            // Climbing out of the tenant prefix, by path or through the presign and copy bodies.
            for uri in ["/api/storage/objects/..%2Falpha%2Fsecret.txt", "/api/storage/objects/%2e%2e/%2e%2e/tenants/alpha/secret.txt", "/api/storage/objects/x/../../alpha/secret.txt", "/api/storage/objects/..%5Calpha%5Csecret.txt"] {
                try await client.execute(uri: uri, method: .get, headers: Self.tenant("beta")) { response async throws in
                    #expect([HTTPResponse.Status.badRequest, .notFound].contains(response.status), "\(uri)")
                    #expect(!String(buffer: response.body).contains("alpha's secret"))
                }
            }
            try await client.execute(uri: "/api/storage/presign", method: .post, headers: Self.tenant("beta", [.contentType: "application/json"]), body: ByteBuffer(string: #"{"key":"../alpha/secret.txt"}"#)) { response async throws in
                // The key's schema refuses '..' segments before the handler runs.
                #expect(response.status == .unprocessableContent)
                #expect(try Self.json(response.body)["type"] as? String == "https://plinth.dev/problems/validation")
            }
            try await client.execute(uri: "/api/storage/copy", method: .post, headers: Self.tenant("beta", [.contentType: "application/json"]), body: ByteBuffer(string: #"{"from":"../../tenants/alpha/secret.txt","to":"mine.txt"}"#)) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(uri: "/api/storage/delete", method: .post, headers: Self.tenant("beta", [.contentType: "application/json"]), body: ByteBuffer(string: #"{"keys":["secret.txt"]}"#)) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/storage/objects/secret.txt", method: .get, headers: Self.tenant("alpha")) { response in
                #expect(String(buffer: response.body) == "alpha's secret")
            }
        }
    }

    @Test func storageRoutesNeedATenant() async throws {
        try await Self.withStorage(.local) { client in
            try await client.execute(uri: "/api/storage/objects/a.txt", method: .put, body: ByteBuffer(string: "x")) { response async throws in
                #expect(response.status == .badRequest)
                #expect(try Self.json(response.body)["type"] as? String == "https://plinth.dev/problems/tenant-required")
            }
        }
    }

    @Test(arguments: StorageDriver.all)
    func uploadsOverTheLimitAre413AndStoreNothing(driver: StorageDriver) async throws {
        try await Self.withStorage(driver, environment: ["STORAGE_MAX_UPLOAD_SIZE": "64kb"]) { client in
            try await client.execute(uri: "/api/storage/objects/big.bin", method: .put, headers: Self.tenant("acme"), body: ByteBuffer(bytes: testBytes(100_000))) { response async throws in
                #expect(response.status == .contentTooLarge)
                #expect(try Self.json(response.body)["detail"] as? String == "the request body is larger than the 65536-byte limit (STORAGE_MAX_UPLOAD_SIZE)")
            }
            try await client.execute(uri: "/api/storage/objects/big.bin", method: .get, headers: Self.tenant("acme")) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func uploadsMayExceedTheKernelsBodyLimit() async throws {
        // PLINTH_MAX_BODY_SIZE guards JSON routes; the upload route has its own, larger limit.
        try await Self.withStorage(.local, environment: ["PLINTH_MAX_BODY_SIZE": "16kb"]) { client in
            try await client.execute(uri: "/api/storage/objects/big.bin", method: .put, headers: Self.tenant("acme"), body: ByteBuffer(bytes: testBytes(200_000))) { response in
                #expect(response.status == .created)
            }
            try await client.execute(uri: "/api/storage/presign", method: .post, headers: Self.tenant("acme", [.contentType: "application/json"]), body: ByteBuffer(string: #"{"key":""# + String(repeating: "a", count: 20_000) + #""}"#)) { response async throws in
                #expect(response.status == .contentTooLarge)
                #expect(try Self.json(response.body)["detail"] as? String == "the request body is larger than the 16384-byte limit (PLINTH_MAX_BODY_SIZE)")
            }
        }
    }

    @Test func localPresignedURLsWorkUntilTheyExpire() async throws {
        let clock = ManualClock(now: Date())
        try await Self.withStorage(.local, clock: clock) { client in
            try await client.execute(uri: "/api/storage/presign", method: .post, headers: Self.tenant("acme", [.contentType: "application/json"]), body: ByteBuffer(string: #"{"key":"shared/doc.txt","method":"PUT","contentType":"text/plain","expiresIn":60}"#)) { response async throws in
                let body = try Self.json(response.body)
                let url = try #require(body["url"] as? String)
                #expect((body["headers"] as? [String: String]) == ["Content-Type": "text/plain"])
                let path = String(url.dropFirst("http://localhost:3013".count))
                // No tenant header and no credentials: the URL is the permission.
                try await client.execute(uri: path, method: .put, headers: [.contentType: "text/html"], body: ByteBuffer(string: "<script>")) { response in
                    #expect(response.status == .forbidden, "the signed content type must be sent as given")
                }
                try await client.execute(uri: path, method: .put, headers: [.contentType: "text/plain"], body: ByteBuffer(string: "shared text")) { response in
                    #expect(response.status == .created)
                }
            }
            try await client.execute(uri: "/api/storage/presign", method: .post, headers: Self.tenant("acme", [.contentType: "application/json"]), body: ByteBuffer(string: #"{"key":"shared/doc.txt","expiresIn":60}"#)) { response async throws in
                let url = try #require(try Self.json(response.body)["url"] as? String)
                let path = String(url.dropFirst("http://localhost:3013".count))
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body) == "shared text")
                }
                let tampered = path.replacingOccurrences(of: "tenants/acme/", with: "tenants/other/")
                try await client.execute(uri: tampered, method: .get) { response in
                    #expect(response.status == .forbidden)
                }
                clock.advance(by: 61)
                try await client.execute(uri: path, method: .get) { response async throws in
                    #expect(response.status == .forbidden)
                    #expect(try Self.json(response.body)["detail"] as? String == "the URL has expired")
                }
            }
        }
    }

    @Test(arguments: StorageDriver.all)
    func presignExpiryIsCappedByTheSetting(driver: StorageDriver) async throws {
        try await Self.withStorage(driver, environment: ["STORAGE_PRESIGN_MAX_EXPIRY": "600"]) { client in
            try await client.execute(uri: "/api/storage/presign", method: .post, headers: Self.tenant("acme", [.contentType: "application/json"]), body: ByteBuffer(string: #"{"key":"a.txt","expiresIn":601}"#)) { response async throws in
                #expect(response.status == .unprocessableContent)
                #expect(try Self.json(response.body)["detail"] as? String == "the body is not valid: /expiresIn must be at most 600 (STORAGE_PRESIGN_MAX_EXPIRY)")
            }
            try await client.execute(uri: "/api/storage/presign", method: .post, headers: Self.tenant("acme", [.contentType: "application/json"]), body: ByteBuffer(string: #"{"key":"a.txt"}"#)) { response async throws in
                #expect(response.status == .ok)
                let expiresAt = try #require(try Self.json(response.body)["expiresAt"] as? String)
                let date = try #require(ISO8601DateFormatter().date(from: expiresAt))
                #expect(date.timeIntervalSinceNow <= 600 && date.timeIntervalSinceNow > 500, "the default expiry is capped by the maximum")
            }
        }
    }

    @Test(arguments: [
        (["STORAGE_DRIVER": "s3"], "plugin 'storage' is misconfigured: STORAGE_BUCKET is required when STORAGE_DRIVER is s3"),
        (["STORAGE_BUCKET": "files"], "plugin 'storage' is misconfigured: STORAGE_ACCESS_KEY_ID is required with STORAGE_BUCKET"),
        (["STORAGE_BUCKET": "Bad_Bucket", "STORAGE_ACCESS_KEY_ID": "a", "STORAGE_SECRET_ACCESS_KEY": "b"], "plugin 'storage' is misconfigured: STORAGE_BUCKET must be a bucket name of 3-63 lower-case letters, digits, '-' and '.', not 'Bad_Bucket'"),
        (["STORAGE_BUCKET": "files", "STORAGE_ACCESS_KEY_ID": "a", "STORAGE_SECRET_ACCESS_KEY": "b", "STORAGE_ENDPOINT": "ftp://x"], "plugin 'storage' is misconfigured: STORAGE_ENDPOINT must be an http or https URL such as http://127.0.0.1:9000, not 'ftp://x'"),
        (["STORAGE_PRESIGN_MAX_EXPIRY": "700000"], "plugin 'storage' is misconfigured: STORAGE_PRESIGN_MAX_EXPIRY must be a whole number between 1 and 604800, not '700000'"),
        (["STORAGE_BUCKET": "files", "STORAGE_ACCESS_KEY_ID": "a", "STORAGE_SECRET_ACCESS_KEY": "b", "STORAGE_PART_SIZE": "1mb"], "plugin 'storage' is misconfigured: STORAGE_PART_SIZE must be at least 5mb (S3's smallest part)"),
        (["STORAGE_BUCKET": "files", "STORAGE_ACCESS_KEY_ID": "a", "STORAGE_SECRET_ACCESS_KEY": "b", "STORAGE_UPLOAD_CONCURRENCY": "0"], "plugin 'storage' is misconfigured: STORAGE_UPLOAD_CONCURRENCY must be a whole number between 1 and 64, not '0'"),
    ])
    func badSettingsStopStartupWithOneLine(environment: [String: String], message: String) async throws {
        let kernel = try TestKernel.makeKernel(plugins: [PluginEntry(StoragePlugin.self)], backend: .sqlite, environment: environment)
        await #expect { try await kernel.withRunning { _ in } } throws: { error in
            "\(error)" == message
        }
    }

    @Test func operationsAreCountedInMetrics() async throws {
        try await Self.withStorage(.local) { client in
            try await client.execute(uri: "/api/storage/objects/m.txt", method: .put, headers: Self.tenant("acme"), body: ByteBuffer(string: "m")) { _ in }
            try await client.execute(uri: "/api/storage/objects/none.txt", method: .get, headers: Self.tenant("acme")) { _ in }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains(#"plinth_storage_operations_total{operation="put",driver="local",outcome="ok"} 1"#))
                #expect(text.contains(#"plinth_storage_operations_total{operation="head",driver="local",outcome="ok"} 1"#) || text.contains(#"plinth_storage_operations_total{operation="get",driver="local",outcome="not_found"} 1"#))
                #expect(text.contains("plinth_storage_operation_duration_seconds_bucket"))
            }
        }
    }
}
