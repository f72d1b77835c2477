import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PlinthKernel
@testable import PlinthStorage
import PlinthTesting
import Synchronization
import Testing

/// What users see when S3 misbehaves: retries on throttling and 5xx, a clear 503 when it
/// cannot be reached, and a breaker that stops sending once it keeps failing.
@Suite struct S3ResilienceTests {
    /// A port nothing listens on.
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test func unreachableS3Is503ThenTheBreakerOpens() async throws {
        let port = try Self.closedPort()
        let folder = try storageFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let environment = [
            "PLINTH_DATA_DIR": folder, "STORAGE_BUCKET": "files", "STORAGE_ENDPOINT": "http://127.0.0.1:\(port)", "STORAGE_FORCE_PATH_STYLE": "true",
            "STORAGE_ACCESS_KEY_ID": "a", "STORAGE_SECRET_ACCESS_KEY": "b", "STORAGE_MAX_ATTEMPTS": "2", "STORAGE_CONNECT_TIMEOUT": "200ms",
            // /ready must not time out on a machine busy with other tests.
            "PLINTH_HEALTH_TIMEOUT": "30",
        ]
        try await TestKernel.run(plugins: [PluginEntry(StoragePlugin.self)], backend: .sqlite, environment: environment) { kernel in
            try await kernel.test { client in
                let tenant: HTTPFields = [HTTPField.Name("x-tenant-id")!: "acme"]
                for _ in 0..<5 {
                    try await client.execute(uri: "/api/storage/objects/a.txt", method: .get, headers: tenant) { response async throws in
                        #expect(response.status == .serviceUnavailable)
                        let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                        #expect(body?["type"] as? String == "https://plinth.dev/problems/storage-unavailable")
                        #expect(body?["detail"] as? String == "the storage backend cannot be reached; retry later")
                    }
                }
                // Five failed requests open the breaker: a request is then refused by the breaker
                // itself, without trying S3, with Retry-After. On a busy machine the first cooldown
                // (1 s) may pass before the next request; its trial fails and the cooldown doubles,
                // so a refusal comes within a few requests.
                var refusedByBreaker = false
                for _ in 0..<5 where !refusedByBreaker {
                    refusedByBreaker = try await client.execute(uri: "/api/storage/objects/a.txt", method: .put, headers: tenant, body: ByteBuffer(string: "x")) { response async throws in
                        #expect(response.status == .serviceUnavailable)
                        let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                        return body?["detail"] as? String == "a dependency is unavailable; retry later" && response.headers[.retryAfter] != nil
                    }
                }
                #expect(refusedByBreaker, "the breaker never refused a request without trying S3")
                try await client.execute(uri: "/ready", method: .get) { response async throws in
                    #expect(response.status == .ok)
                    let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    let storage = (body?["plugins"] as? [String: Any])?["storage"] as? [String: Any]
                    #expect(storage?["detail"] as? String == "S3 circuit is open; storage requests get 503")
                }
            }
        }
    }

    /// An S3 stand-in that answers 503 SlowDown (S3's throttling answer) `failures` times, then
    /// serves the object.
    static func throttlingServer(failures: Int, hits: HitCounter) -> some ApplicationProtocol {
        let router = Router()
        router.get("**") { _, _ -> Response in
            let hit = hits.next()
            if hit <= failures {
                return Response(status: .serviceUnavailable, body: ResponseBody(byteBuffer: ByteBuffer(string: "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>")))
            }
            return Response(status: .ok, headers: [.contentType: "text/plain"], body: ResponseBody(byteBuffer: ByteBuffer(string: "finally")))
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    @Test(arguments: [(2, 3, true), (2, 2, false)])
    func throttlingIsRetriedUpToTheAttemptLimit(failures: Int, attempts: Int, succeeds: Bool) async throws {
        let hits = HitCounter()
        try await Self.throttlingServer(failures: failures, hits: hits).test(.live) { server in
            var settings = try StorageDriver.settings(endpoint: "http://127.0.0.1:\(server.port!)", bucket: "files")
            settings.maxAttempts = attempts
            try await withS3Client(settings) { client in
                let store = S3BlobStore(client: client)
                if succeeds {
                    let object = try await store.get(try BlobKey(system: "a.txt"))
                    #expect(String(buffer: try await object.body.collect(upTo: 100)) == "finally")
                } else {
                    await #expect(throws: BlobStoreError.backend(status: 503, code: "SlowDown", message: "Please reduce your request rate.")) {
                        _ = try await store.get(try BlobKey(system: "a.txt"))
                    }
                }
            }
            #expect(hits.count == attempts)
        }
    }
}

final class HitCounter: Sendable {
    private let value = Mutex(0)
    func next() -> Int { value.withLock { $0 += 1; return $0 } }
    var count: Int { value.withLock { $0 } }
}
