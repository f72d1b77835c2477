import AsyncHTTPClient
import Crypto
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import PlinthKernel

/// Signed S3 requests over one HTTP client, behind a circuit breaker and a retry policy.
///
/// Every request body is a buffer in memory (at most one part), so every request can be sent
/// again: retries cover 5xx, throttling (429, `SlowDown`) and lost connections. The breaker
/// wraps the retries, so one request that fails all its attempts counts once.
final class S3Client: Sendable {
    let settings: S3Settings
    let http: HTTPClient
    /// Streamed downloads' own connections (see ``DownloadConnections``).
    let downloads: DownloadConnections
    let signer: SigV4Signer
    let breaker: CircuitBreaker
    let retry: RetryPolicy
    let clock: any KernelClock
    let logger: Logger

    /// - Throws: when TLS cannot be set up for an https endpoint (no trust roots).
    init(settings: S3Settings, clock: any KernelClock, logger: Logger) throws {
        self.settings = settings
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .milliseconds(Int64(settings.connectTimeout * 1000)), read: .milliseconds(Int64(settings.timeout * 1000)))
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.downloads = try DownloadConnections(tls: settings.endpoint.scheme?.lowercased() == "https", connectTimeout: .milliseconds(Int64(settings.connectTimeout * 1000)),
                                             readTimeout: .milliseconds(Int64(settings.timeout * 1000)))
        self.signer = SigV4Signer(credentials: settings.credentials, region: settings.region, service: "s3")
        self.breaker = CircuitBreaker(name: "storage.s3", failureThreshold: 5, cooldown: .seconds(1), maximumCooldown: .seconds(30), clock: clock) { error in
            S3Client.isTransient(error)
        }
        self.retry = RetryPolicy(base: 0.1, factor: 2, cap: 2, jitter: 1, maxAttempts: settings.maxAttempts)
        self.clock = clock
        self.logger = logger
    }

    func shutdown() async {
        await downloads.shutdown()
        try? await http.shutdown()
    }

    /// Sends a request; answers with a response whose status is in `accept`, its body unread.
    /// - Throws: ``BlobStoreError`` for other statuses (`notFound` for 404), `unavailable` when
    ///   the server cannot be reached, ``CircuitOpenError`` while the breaker is open.
    func send(_ method: HTTPMethod, key: String?, query: [(String, String)] = [], headers extra: [(String, String)] = [], body: ByteBuffer? = nil, accept: Set<Int> = [200]) async throws -> HTTPClientResponse {
        try await resilient { attempt in
            try await self.attempt(method, key: key, query: query, headers: extra, body: body, accept: accept, attempt: attempt)
        }
    }

    /// Runs a request inside the breaker, again on 5xx, throttling or a lost connection.
    func resilient<T: Sendable>(_ attempt: @Sendable (_ attempt: Int) async throws -> T) async throws -> T {
        try await breaker.run {
            try await retry.run(clock: clock, shouldRetry: S3Client.isTransient, attempt)
        }
    }

    private func attempt(_ method: HTTPMethod, key: String?, query: [(String, String)], headers extra: [(String, String)], body: ByteBuffer?, accept: Set<Int>, attempt: Int) async throws -> HTTPClientResponse {
        let signed = sign(method, key: key, query: query, headers: extra, body: body)
        var request = HTTPClientRequest(url: signed.url)
        request.method = method
        request.headers = signed.headers
        if let body { request.body = .bytes(body) }
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: .milliseconds(Int64(settings.timeout * 1000)), logger: logger)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // Connection refused, TLS failure, timeout: the server was not reached.
            throw BlobStoreError.unavailable("\(error)")
        }
        let status = Int(response.status.code)
        if accept.contains(status) { return response }
        let text = method == .HEAD ? "" : String(buffer: (try? await response.body.collect(upTo: Self.errorBodyLimit)) ?? ByteBuffer())
        throw failure(method, key: key, status: response.status, text: text, attempt: attempt)
    }

    /// The URL and headers of a signed request (`host` and `content-length` are left to the HTTP client).
    func sign(_ method: HTTPMethod, key: String?, query: [(String, String)], headers extra: [(String, String)], body: ByteBuffer?) -> (url: String, host: String, target: String, headers: HTTPHeaders) {
        let location = settings.location(key)
        var headers: [(String, String)] = [("host", location.host)] + extra
        // Large bodies (parts, big single PUTs) are sent unsigned, as the AWS SDKs do: hashing
        // them costs a pass over every byte, and TCP plus S3's own checks cover their integrity.
        let payloadHash = body.map { buffer in
            buffer.readableBytes > Self.signedPayloadLimit ? SigV4Signer.unsignedPayload : buffer.withUnsafeReadableBytes { SHA256.hash(data: $0).hex }
        } ?? SigV4Signer.emptyPayloadHash
        if let body { headers.append(("content-length", String(body.readableBytes))) }
        signer.sign(method: method.rawValue, path: location.path, query: query, headers: &headers, payloadHash: payloadHash, date: clock.now)
        let queryString = signer.canonicalQuery(query)
        let target = signer.canonicalPath(location.path) + (queryString.isEmpty ? "" : "?" + queryString)
        var fields = HTTPHeaders()
        for (name, value) in headers where name != "host" && name != "content-length" { fields.add(name: name, value: value) }
        return ("\(location.scheme)://\(location.host)\(target)", location.host, target, fields)
    }

    /// The error for a response whose status was not accepted, from S3's XML error body.
    func failure(_ method: HTTPMethod, key: String?, status: HTTPResponseStatus, text: String, attempt: Int) -> BlobStoreError {
        let code = S3XML.first("Code", in: text) ?? "HTTP\(status.code)"
        let message = S3XML.first("Message", in: text) ?? status.reasonPhrase
        if attempt > 1 || status.code >= 500 {
            logger.debug("s3 request failed", metadata: ["method": "\(method.rawValue)", "status": "\(status.code)", "code": "\(code)", "attempt": "\(attempt)"])
        }
        if status == .notFound && code != "NoSuchBucket" { return .notFound(key ?? settings.bucket) }
        return .backend(status: Int(status.code), code: code, message: message)
    }

    /// The most of an error body read for its code and message.
    static let errorBodyLimit = 64 << 10

    /// Worth retrying and counted by the breaker: no connection, 5xx, throttling.
    /// Bodies up to this size are signed with their SHA-256.
    static let signedPayloadLimit = 1 << 20

    static func isTransient(_ error: any Error) -> Bool {
        switch error {
        case BlobStoreError.unavailable: return true
        case BlobStoreError.backend(let status, let code, _): return status >= 500 || status == 429 || code == "SlowDown" || code == "RequestTimeout"
        default: return false
        }
    }
}

extension Sequence where Element == UInt8 {
    /// Lower-case hex.
    var hex: String {
        var out = ""
        for byte in self {
            out.append(Character(Unicode.Scalar(S3Client.hexDigits[Int(byte >> 4)])))
            out.append(Character(Unicode.Scalar(S3Client.hexDigits[Int(byte & 0x0f)])))
        }
        return out
    }
}

extension S3Client {
    static let hexDigits = Array("0123456789abcdef".utf8)
}
