import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PlinthKernel
@testable import PlinthStorage
import PlinthTesting
import Testing

/// Attacks on storage that once got through: keys that collide on disk answered 500, forms of
/// endless small fields, listings that walked the whole prefix for every page.
@Suite struct StorageAttackTests {
    static func put(_ client: any TestClientProtocol, _ key: String, tenant: String = "acme", _ text: String = "x") async throws -> (status: Int, body: [String: Any]) {
        try await client.execute(uri: "/api/storage/objects/\(key)", method: .put, headers: StorageRoutesTests.tenant(tenant), body: ByteBuffer(string: text)) { response in
            (Int(response.status.code), try StorageRoutesTests.json(response.body))
        }
    }

    static func listAll(_ client: any TestClientProtocol, prefix: String, limit: Int) async throws -> (keys: [String], pages: Int) {
        var keys: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let query = "prefix=\(prefix)&limit=\(limit)" + (cursor.map { "&cursor=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0) } ?? "")
            let page: [String: Any] = try await client.execute(uri: "/api/storage/objects?\(query)", method: .get, headers: StorageRoutesTests.tenant("acme")) { response in
                #expect(response.status == .ok)
                return try StorageRoutesTests.json(response.body)
            }
            keys += (page["items"] as? [[String: Any]] ?? []).compactMap { $0["key"] as? String }
            cursor = page["nextCursor"] as? String
            pages += 1
        } while cursor != nil && pages < 1000
        return (keys, pages)
    }

    @Test(arguments: TestBackend.all)
    func keysThatCollideOnDiskAre409(backend: TestBackend) async throws {
        try await StorageRoutesTests.withStorage(.local, backend: backend) { client in
            #expect(try await Self.put(client, "c1").status == 201)
            let below = try await Self.put(client, "c1/child")
            #expect(below.status == 409)
            #expect(below.body["type"] as? String == "https://plinth.dev/problems/key-conflict")
            #expect(try await Self.put(client, "d1/child").status == 201)
            #expect(try await Self.put(client, "d1").status == 409)
            // An object and a key continuing with its name plus a suffix are not a collision.
            #expect(try await Self.put(client, "m1").status == 201)
            #expect(try await Self.put(client, "m1.json/x").status == 201)
            #expect(try await Self.put(client, "m1.json/x", "changed").status == 201)
            for key in ["c1", "d1/child", "m1", "m1.json/x"] {
                try await client.execute(uri: "/api/storage/objects/\(key)", method: .get, headers: StorageRoutesTests.tenant("acme")) { response in
                    #expect(response.status == .ok, "\(key)")
                }
            }
        }
    }

    @Test func aFormOfEndlessFieldsIsRefused() async throws {
        try await StorageRoutesTests.withStorage(.local) { client in
            let boundary = "b0undary"
            func form(_ fields: Int, size: Int) -> ByteBuffer {
                var text = ""
                for i in 0..<fields { text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"f\(i)\"\r\n\r\n\(String(repeating: "v", count: size))\r\n" }
                text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhello\r\n--\(boundary)--\r\n"
                return ByteBuffer(string: text)
            }
            let headers = StorageRoutesTests.tenant("acme", [.contentType: "multipart/form-data; boundary=\(boundary)"])
            try await client.execute(uri: "/api/storage/upload", method: .post, headers: headers, body: form(1_001, size: 1)) { response async throws in
                #expect(response.status == .badRequest)
                #expect(try StorageRoutesTests.json(response.body)["type"] as? String == "https://plinth.dev/problems/too-many-fields")
            }
            try await client.execute(uri: "/api/storage/upload", method: .post, headers: headers, body: form(300, size: 4000)) { response in
                #expect(response.status == .contentTooLarge)
            }
            try await client.execute(uri: "/api/storage/upload", method: .post, headers: headers, body: form(10, size: 100)) { response in
                #expect(response.status == .created)
            }
        }
    }

    @Test(arguments: TestBackend.all)
    func aListingPagesThroughEveryObjectOnceInS3Order(backend: TestBackend) async throws {
        try await StorageRoutesTests.withStorage(.local, backend: backend) { client in
            var expected: [String] = []
            for i in 0..<250 { expected.append(String(format: "bulk/%04d.bin", i)) }
            expected += ["bulk/a.txt", "bulk/a/b", "bulk/a0", "bulk/a-z"]
            for key in expected { #expect(try await Self.put(client, key).status == 201) }
            _ = try await Self.put(client, "other/x", tenant: "acme")
            _ = try await Self.put(client, "bulk/theirs", tenant: "globex")
            let (keys, pages) = try await Self.listAll(client, prefix: "bulk/", limit: 20)
            #expect(keys == expected.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
            #expect(pages == 13)
            // A delete leaves the listing at once.
            try await client.execute(uri: "/api/storage/objects/bulk/a0", method: .delete, headers: StorageRoutesTests.tenant("acme")) { _ in }
            #expect(try await Self.listAll(client, prefix: "bulk/a", limit: 100).keys == ["bulk/a-z", "bulk/a.txt", "bulk/a/b"])
        }
    }

    @Test(arguments: TestBackend.all)
    func filesStoredBeforeTheIndexAreListed(backend: TestBackend) async throws {
        let folder = try storageFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var env = try await StorageDriver.local.environment(folder: folder)
        let root = env["STORAGE_LOCAL_ROOT"] ?? folder + "/storage"
        env["STORAGE_LOCAL_ROOT"] = root
        // As an earlier version left them: files, and metadata beside them as `.json`.
        try FileManager.default.createDirectory(atPath: root + "/objects/tenants/acme/old", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/meta/tenants/acme/old", withIntermediateDirectories: true)
        try Data("kept".utf8).write(to: URL(fileURLWithPath: root + "/objects/tenants/acme/old/report.txt"))
        try Data(#"{"contentType":"text/plain","etag":"\"e1\""}"#.utf8).write(to: URL(fileURLWithPath: root + "/meta/tenants/acme/old/report.txt.json"))
        try await TestKernel.run(plugins: [PluginEntry(StoragePlugin.self)], backend: backend, environment: env) { kernel in
            try await kernel.test { client in
                let page: [String: Any] = try await client.execute(uri: "/api/storage/objects?prefix=old/", method: .get, headers: StorageRoutesTests.tenant("acme")) { response in
                    try StorageRoutesTests.json(response.body)
                }
                let items = page["items"] as? [[String: Any]] ?? []
                #expect(items.compactMap { $0["key"] as? String } == ["old/report.txt"])
                #expect(items.first?["contentType"] as? String == "text/plain")
            }
        }
    }
}
