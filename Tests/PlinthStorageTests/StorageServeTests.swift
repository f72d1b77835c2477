import Crypto
import Foundation
import PlinthTesting
import Testing

/// `plinth serve` with S3 (moto), as a user runs it: large files through the API with the
/// server's memory watched, and presigned URLs used by a client with no credentials.
@Suite(.serialized) struct StorageServeTests {
    static func serve(endpoint: String, bucket: String, folder: String) async throws -> (PlinthProcess, String) {
        // Only storage: these tests use the kernel's trusted X-Tenant-ID, which the auth plugin replaces.
        let server = try PlinthProcess(["serve"], environment: [
            "PLINTH_PLUGINS": "storage", "PORT": "0", "PLINTH_DATA_DIR": folder, "STORAGE_BUCKET": bucket, "STORAGE_ENDPOINT": endpoint, "STORAGE_FORCE_PATH_STYLE": "true",
            "STORAGE_ACCESS_KEY_ID": StorageDriver.accessKey, "STORAGE_SECRET_ACCESS_KEY": StorageDriver.secretKey,
        ], directory: folder)
        let url = try await server.waitUntilListening()
        return (server, url)
    }

    /// Resident memory of a process, in bytes: current (`VmRSS`) and peak (`VmHWM`).
    static func memory(_ pid: Int32) throws -> (rss: Int, peak: Int) {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        func kilobytes(_ name: String) -> Int {
            let line = status.split(separator: "\n").first { $0.hasPrefix(name + ":") } ?? ""
            return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
        }
        return (kilobytes("VmRSS"), kilobytes("VmHWM"))
    }

    static func curl(_ arguments: [String]) async throws -> String {
        let result = try await runTool(["curl", "-sS", "--fail-with-body"] + arguments)
        let text = String(decoding: result.stdout, as: UTF8.self)
        guard result.status == 0 else { throw ProcessFailure(message: "curl \(arguments) exited \(result.status): \(text)") }
        return text
    }

    static func sha256(file: String) throws -> String {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: file))
        defer { try? handle.close() }
        var hash = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hash.update(data: chunk) }
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }

    @Test(arguments: StorageDriver.s3Only)
    func fiftyMegabytesGoThroughTheAPIWithoutTheServerHoldingThem(driver: StorageDriver) async throws {
        guard case .s3(let endpoint) = driver else { return }
        let folder = try storageFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let bucket = try await StorageDriver.makeBucket(endpoint: endpoint)
        let (server, url) = try await Self.serve(endpoint: endpoint, bucket: bucket, folder: folder)
        defer { server.signal(SIGTERM) }

        let source = folder + "/upload.bin"
        _ = FileManager.default.createFile(atPath: source, contents: nil)
        try await offPool {
            let writer = try FileHandle(forWritingTo: URL(fileURLWithPath: source))
            for part in 0..<50 { writer.write(Data(testBytes(1 << 20, seed: UInt64(part + 1)))) }
            try writer.close()
        }

        // Warm up (first request, HTTP client pool), then take the baseline.
        _ = try await Self.curl(["-T", source, "-H", "x-tenant-id: acme", "-r", "0-0", "\(url)/api/storage/objects/warmup.bin"])
        let before = try Self.memory(server.process.processIdentifier)
        let uploaded = try await Self.curl(["-T", source, "-H", "x-tenant-id: acme", "-H", "content-type: application/octet-stream", "\(url)/api/storage/objects/video/big.bin"])
        #expect(uploaded.contains(#""size":52428800"#), "\(uploaded)")
        let target = folder + "/download.bin"
        _ = try await Self.curl(["-o", target, "-H", "x-tenant-id: acme", "\(url)/api/storage/objects/video/big.bin"])
        let after = try Self.memory(server.process.processIdentifier)
        let hashes = try await offPool { (try Self.sha256(file: target), try Self.sha256(file: source)) }
        #expect(hashes.0 == hashes.1)
        let growth = after.peak - before.rss
        #expect(growth < 64 << 20, "peak RSS grew by \(growth >> 20) MiB for a 50 MiB upload and download")

        // The object really is in the bucket, in parts (a multipart ETag ends in -<parts>).
        let list = try await Self.curl(["-H", "x-tenant-id: acme", "\(url)/api/storage/objects?prefix=video/"])
        #expect(list.contains(#"-10\""#), "a 50 MiB upload goes up in ten 5 MiB parts: \(list)")
    }

    @Test(arguments: StorageDriver.s3Only)
    func presignedPutThenGetWorkForAClientWithoutCredentials(driver: StorageDriver) async throws {
        guard case .s3(let endpoint) = driver else { return }
        let folder = try storageFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let bucket = try await StorageDriver.makeBucket(endpoint: endpoint)
        let (server, url) = try await Self.serve(endpoint: endpoint, bucket: bucket, folder: folder)
        defer { server.signal(SIGTERM) }

        func presign(_ body: String) async throws -> [String: Any] {
            let text = try await Self.curl(["-H", "x-tenant-id: acme", "-H", "content-type: application/json", "-d", body, "\(url)/api/storage/presign"])
            return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
        }
        let put = try await presign(#"{"key":"shared/ünï cödé+1%.txt","method":"PUT","contentType":"text/plain; charset=utf-8","expiresIn":300}"#)
        let get = try await presign(#"{"key":"shared/ünï cödé+1%.txt","expiresIn":300}"#)
        #expect((put["url"] as? String)?.hasPrefix(endpoint + "/" + bucket + "/tenants/acme/shared/") == true)
        let data = Data(testBytes(5000, seed: 42))
        let spec: [String: Any] = [
            "put": ["url": put["url"]!, "headers": put["headers"]!], "get": ["url": get["url"]!],
            "data_hex": data.map { String(format: "%02x", $0) }.joined(),
            "s3": ["endpoint": endpoint, "bucket": bucket, "key": "tenants/acme/shared/ünï cödé+1%.txt", "access_key": StorageDriver.accessKey, "secret_key": StorageDriver.secretKey, "region": "us-east-1"],
        ]
        let output = try await runPython("presigned_roundtrip.py", input: JSONSerialization.data(withJSONObject: spec))
        let result = try JSONSerialization.jsonObject(with: output) as? [String: Any] ?? [:]
        #expect(result["put_status"] as? Int == 200)
        #expect(result["get_status"] as? Int == 200)
        #expect(result["same_bytes"] as? Bool == true)
        #expect(result["boto3_same_bytes"] as? Bool == true)
        #expect(result["boto3_content_type"] as? String == "text/plain; charset=utf-8")
    }
}
