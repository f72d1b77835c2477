import Foundation
import PlinthKernel

/// The storage plugin's settings, with the first seed's names (`STORAGE_*`).
public struct StorageConfiguration: Sendable {
    public enum Driver: Sendable {
        /// Files under `root` (default `$PLINTH_DATA_DIR/storage`).
        case local(root: String)
        case s3(S3Settings)
    }

    /// `STORAGE_DRIVER`: `local` or `s3`. Default `s3` when `STORAGE_BUCKET` is set, else `local`.
    public var driver: Driver
    /// `STORAGE_MAX_UPLOAD_SIZE`. Default 5 GiB; larger uploads get 413.
    public var maxUploadSize: Int = 5 << 30
    /// `STORAGE_PRESIGN_EXPIRY` in seconds. Default 900 (15 min).
    public var presignExpiry: Int = 900
    /// `STORAGE_PRESIGN_MAX_EXPIRY` in seconds. Default 3600; never above 604800 (7 days, SigV4's limit).
    public var presignMaxExpiry: Int = 3600

    public static let sevenDays = 604_800

    /// Reads the settings. - Throws: ``ConfigurationError`` naming the first bad setting.
    public static func load(_ source: ConfigSource, dataDirectory: String) throws -> StorageConfiguration {
        let bucket = source.string("STORAGE_BUCKET")
        let kind = try source.choice("STORAGE_DRIVER", default: bucket == nil ? "local" : "s3", choices: ["local", "s3"])
        var driver: Driver = .local(root: source.string("STORAGE_LOCAL_ROOT") ?? (dataDirectory as NSString).appendingPathComponent("storage"))
        if kind == "s3" {
            driver = .s3(try S3Settings.load(source))
        }
        var c = StorageConfiguration(driver: driver)
        c.maxUploadSize = try source.bytes("STORAGE_MAX_UPLOAD_SIZE", default: c.maxUploadSize)
        c.presignMaxExpiry = try source.int("STORAGE_PRESIGN_MAX_EXPIRY", default: c.presignMaxExpiry, range: 1...sevenDays)
        c.presignExpiry = try source.int("STORAGE_PRESIGN_EXPIRY", default: min(c.presignExpiry, c.presignMaxExpiry), range: 1...c.presignMaxExpiry)
        return c
    }
}

/// Where and how to reach S3 or an S3-compatible server (MinIO, moto, R2).
public struct S3Settings: Sendable {
    /// `STORAGE_BUCKET` (required for S3).
    public var bucket: String
    /// `STORAGE_REGION`. Default `us-east-1`.
    public var region: String = "us-east-1"
    /// `STORAGE_ENDPOINT`, e.g. `http://127.0.0.1:5000`. Default AWS: `https://s3.amazonaws.com`
    /// in us-east-1, else `https://s3.{region}.amazonaws.com`.
    public var endpoint: URLComponents
    /// `STORAGE_FORCE_PATH_STYLE`. Default false: `bucket.host/key`; true: `host/bucket/key`.
    public var forcePathStyle: Bool = false
    public var credentials: AWSCredentials
    /// `STORAGE_MULTIPART_THRESHOLD`. Default 10 MiB: larger uploads go in parts.
    public var multipartThreshold: Int = 10 << 20
    /// `STORAGE_PART_SIZE`. Default 5 MiB, S3's minimum part.
    public var partSize: Int = 5 << 20
    /// `STORAGE_UPLOAD_CONCURRENCY`: parts of one upload sent at once while the next is read.
    /// Default 6. Memory per upload is about the threshold plus this many parts.
    public var uploadConcurrency: Int = 6
    /// `STORAGE_MAX_ATTEMPTS`: tries per request on 5xx, throttling or a lost connection. Default 3.
    public var maxAttempts: Int = 3
    /// `STORAGE_TIMEOUT`: seconds to wait for a response head, and between body reads. Default 30.
    public var timeout: Double = 30
    /// `STORAGE_CONNECT_TIMEOUT`: seconds to keep trying to connect (the HTTP client retries a
    /// refused connection until then). Default 5.
    public var connectTimeout: Double = 5

    public init(bucket: String, region: String = "us-east-1", endpoint: String? = nil, forcePathStyle: Bool = false, credentials: AWSCredentials) throws {
        self.bucket = bucket
        self.region = region
        self.forcePathStyle = forcePathStyle
        self.credentials = credentials
        let text = endpoint ?? (region == "us-east-1" ? "https://s3.amazonaws.com" : "https://s3.\(region).amazonaws.com")
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(), ["http", "https"].contains(scheme), components.host?.isEmpty == false else {
            throw ConfigurationError(key: "STORAGE_ENDPOINT", reason: "must be an http or https URL such as http://127.0.0.1:9000, not '\(text)'")
        }
        self.endpoint = components
    }

    static func load(_ source: ConfigSource) throws -> S3Settings {
        guard let bucket = source.string("STORAGE_BUCKET") else {
            throw ConfigurationError(key: "STORAGE_BUCKET", reason: "is required when STORAGE_DRIVER is s3")
        }
        guard (3...63).contains(bucket.count), bucket.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "-" || $0 == "." }), bucket.first?.isLetter == true || bucket.first?.isNumber == true else {
            throw ConfigurationError(key: "STORAGE_BUCKET", reason: "must be a bucket name of 3-63 lower-case letters, digits, '-' and '.', not '\(bucket)'")
        }
        guard let id = source.string("STORAGE_ACCESS_KEY_ID") else {
            throw ConfigurationError(key: "STORAGE_ACCESS_KEY_ID", reason: "is required with STORAGE_BUCKET")
        }
        guard let secret = source.string("STORAGE_SECRET_ACCESS_KEY", secret: true) else {
            throw ConfigurationError(key: "STORAGE_SECRET_ACCESS_KEY", reason: "is required with STORAGE_BUCKET")
        }
        var s = try S3Settings(
            bucket: bucket, region: source.string("STORAGE_REGION") ?? "us-east-1", endpoint: source.string("STORAGE_ENDPOINT"),
            forcePathStyle: try source.bool("STORAGE_FORCE_PATH_STYLE", default: false),
            credentials: AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: source.string("STORAGE_SESSION_TOKEN", secret: true))
        )
        s.multipartThreshold = try source.bytes("STORAGE_MULTIPART_THRESHOLD", default: s.multipartThreshold)
        s.partSize = try source.bytes("STORAGE_PART_SIZE", default: s.partSize)
        guard s.partSize >= 5 << 20 else { throw ConfigurationError(key: "STORAGE_PART_SIZE", reason: "must be at least 5mb (S3's smallest part)") }
        guard s.multipartThreshold >= s.partSize else { throw ConfigurationError(key: "STORAGE_MULTIPART_THRESHOLD", reason: "must be at least STORAGE_PART_SIZE (\(s.partSize) bytes)") }
        s.uploadConcurrency = try source.int("STORAGE_UPLOAD_CONCURRENCY", default: s.uploadConcurrency, range: 1...64)
        s.maxAttempts = try source.int("STORAGE_MAX_ATTEMPTS", default: s.maxAttempts, range: 1...10)
        s.timeout = try source.seconds("STORAGE_TIMEOUT", default: s.timeout, minimum: 0.1)
        s.connectTimeout = try source.seconds("STORAGE_CONNECT_TIMEOUT", default: s.connectTimeout, minimum: 0.01)
        return s
    }

    /// Scheme, `host[:port]` and path of the object `key` (a storage path), as requests and
    /// presigned URLs address it.
    public func objectLocation(_ key: String) -> (scheme: String, host: String, path: String) { location(key) }

    /// The host and port to connect to for an object: the endpoint's, or the bucket's
    /// subdomain of it (virtual-hosted style).
    func connectTarget(_ key: String?) -> (host: String, port: Int) {
        var host = endpoint.host!
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let port = endpoint.port ?? (endpoint.scheme!.lowercased() == "https" ? 443 : 80)
        return (forcePathStyle ? host : bucket + "." + host, port)
    }

    /// `host[:port]` and path of an object (or of the bucket when `key` is nil).
    func location(_ key: String?) -> (scheme: String, host: String, path: String) {
        let scheme = endpoint.scheme!.lowercased()
        var host = endpoint.host!
        if let port = endpoint.port { host += ":\(port)" }
        let base = endpoint.path.hasSuffix("/") ? String(endpoint.path.dropLast()) : endpoint.path
        if forcePathStyle {
            return (scheme, host, base + "/" + bucket + (key.map { "/" + $0 } ?? ""))
        }
        return (scheme, bucket + "." + host, base + "/" + (key ?? ""))
    }
}
