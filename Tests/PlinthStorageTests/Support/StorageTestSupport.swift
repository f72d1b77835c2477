import AsyncHTTPClient
import Dispatch
import Foundation
import Logging
import NIOCore
import PlinthKernel
import PlinthTesting
@testable import PlinthStorage

/// The storage drivers a test runs against: local disk always; S3 when
/// `PLINTH_TEST_S3_ENDPOINT` names a moto_server (scripts/test starts one and sets
/// `PLINTH_TEST_REQUIRE_S3=1`, which turns a missing endpoint into a failure).
enum StorageDriver: Sendable, CustomStringConvertible, Hashable {
    case local
    case s3(endpoint: String)

    var description: String {
        switch self {
        case .local: "local"
        case .s3: "s3"
        }
    }

    static var s3Endpoint: String? {
        let env = ProcessInfo.processInfo.environment
        if let url = env["PLINTH_TEST_S3_ENDPOINT"], !url.isEmpty { return url }
        if env["PLINTH_TEST_REQUIRE_S3"] == "1" {
            fatalError("PLINTH_TEST_REQUIRE_S3=1 but PLINTH_TEST_S3_ENDPOINT is not set; run scripts/test")
        }
        return nil
    }

    static var all: [StorageDriver] { [.local] + (s3Endpoint.map { [.s3(endpoint: $0)] } ?? []) }
    static var s3Only: [StorageDriver] { s3Endpoint.map { [.s3(endpoint: $0)] } ?? [] }

    static let accessKey = "plinth-test"
    static let secretKey = "plinth-test-secret"

    /// Settings for a kernel using this driver: a fresh bucket (created here) or folder.
    func environment(folder: String) async throws -> [String: String] {
        var env = ["PLINTH_DATA_DIR": folder]
        if case .s3(let endpoint) = self {
            let bucket = try await Self.makeBucket(endpoint: endpoint)
            env.merge([
                "STORAGE_BUCKET": bucket, "STORAGE_ENDPOINT": endpoint, "STORAGE_FORCE_PATH_STYLE": "true",
                "STORAGE_ACCESS_KEY_ID": Self.accessKey, "STORAGE_SECRET_ACCESS_KEY": Self.secretKey,
            ]) { $1 }
        }
        return env
    }

    /// A store used directly, without a kernel.
    func makeStore(folder: String, clock: any KernelClock = SystemClock(), partSize: Int? = nil) async throws -> any BlobStore {
        switch self {
        case .local:
            let signer = LocalURLSigner(secret: Data(repeating: 7, count: 32), baseURL: "http://localhost:3013")
            let store = LocalBlobStore(root: folder, signer: signer, index: nil)
            try await store.prepare()
            return store
        case .s3(let endpoint):
            var settings = try Self.settings(endpoint: endpoint, bucket: try await Self.makeBucket(endpoint: endpoint))
            if let partSize {
                settings.partSize = partSize
                settings.multipartThreshold = partSize * 2
            }
            return S3BlobStore(client: try S3Client(settings: settings, clock: clock, logger: Logger(label: "test")))
        }
    }

    static func settings(endpoint: String, bucket: String) throws -> S3Settings {
        try S3Settings(bucket: bucket, endpoint: endpoint, forcePathStyle: true, credentials: AWSCredentials(accessKeyID: accessKey, secretAccessKey: secretKey))
    }

    /// Creates a bucket with a unique name on the S3 server.
    static func makeBucket(endpoint: String) async throws -> String {
        let bucket = "plinth-" + UUID().uuidString.lowercased().prefix(18)
        try await withS3Client(try settings(endpoint: endpoint, bucket: bucket)) { client in
            _ = try await client.send(.PUT, key: nil)
        }
        return bucket
    }
}

/// Runs `body` with a client made from `settings` and shuts the client down however `body`
/// ends: a client freed while running traps, which would hide the failure that skipped it.
func withS3Client<T>(_ settings: S3Settings, clock: any KernelClock = SystemClock(), _ body: (S3Client) async throws -> T) async throws -> T {
    let client = try S3Client(settings: settings, clock: clock, logger: Logger(label: "test"))
    do {
        let result = try await body(client)
        await client.shutdown()
        return result
    } catch {
        await client.shutdown()
        throw error
    }
}

/// A fresh temporary folder, removed by `cleanUp`.
func storageFolder() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("plinth-storage-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Deterministic pseudo-random bytes (xorshift), so failures can be reproduced.
func testBytes(_ count: Int, seed: UInt64 = 0x9E3779B97F4A7C15) -> [UInt8] {
    var state = seed
    var out = [UInt8]()
    out.reserveCapacity(count)
    while out.count < count {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        withUnsafeBytes(of: state) { out.append(contentsOf: $0.prefix(count - out.count)) }
    }
    return out
}

/// Runs a Python helper from Tests/PlinthStorageTests/Scripts with JSON on stdin; returns stdout.
func runPython(_ script: String, input: Data) async throws -> Data {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Scripts/\(script)").path
    let result = try await runTool(["python3", path], input: input)
    guard result.status == 0 else {
        throw ProcessFailure(message: "\(script) exited \(result.status): \(result.stderr)")
    }
    return result.stdout
}

struct ProcessFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
