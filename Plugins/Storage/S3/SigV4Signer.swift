import Crypto
import Foundation
import PlinthKernel

/// Credentials for AWS Signature Version 4.
public struct AWSCredentials: Sendable {
    public var accessKeyID: String
    public var secretAccessKey: String
    /// Set for temporary credentials; sent as `X-Amz-Security-Token`.
    public var sessionToken: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }
}

/// AWS Signature Version 4 (`AWS4-HMAC-SHA256`), for the `Authorization` header and for
/// presigned URLs. No Swift S3 SDK is available offline, so this is ours; it reproduces the
/// AWS documentation's S3 examples and the aws-c-auth signing suite's vectors.
///
/// S3 signs the path as sent, encoding each segment once; other services normalise it and
/// encode it twice, as the SigV4 specification says.
///
/// ```swift
/// let signer = SigV4Signer(credentials: creds, region: "us-east-1", service: "s3")
/// let url = signer.presignedURL(method: "GET", host: "bucket.s3.amazonaws.com", path: "/photo.jpg",
///                               expires: 900, date: Date())
/// ```
public struct SigV4Signer: Sendable {
    public static let algorithm = "AWS4-HMAC-SHA256"
    /// Payload hash for presigned requests, whose body is not known when signing.
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    /// SHA-256 of an empty body.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    public let credentials: AWSCredentials
    public let region: String
    public let service: String

    public init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    // MARK: Header signing

    /// Signs a request in place: adds `x-amz-date`, `x-amz-content-sha256` (S3), the session
    /// token if any, and `Authorization`. `headers` must include `host`.
    /// - Returns: the signature (hex).
    @discardableResult
    public func sign(method: String, path: String, query: [(String, String)] = [], headers: inout [(String, String)], payloadHash: String = SigV4Signer.emptyPayloadHash, date: Date) -> String {
        let stamp = Self.timestamps(date)
        headers.append(("x-amz-date", stamp.long))
        if service == "s3" { headers.append(("x-amz-content-sha256", payloadHash)) }
        if let token = credentials.sessionToken { headers.append(("x-amz-security-token", token)) }
        let canonical = canonicalRequest(method: method, path: path, query: query, headers: headers, payloadHash: payloadHash)
        let signature = self.signature(canonicalRequest: canonical.request, date: stamp)
        headers.append(("authorization", "\(Self.algorithm) Credential=\(credentials.accessKeyID)/\(scope(stamp.short)), SignedHeaders=\(canonical.signedHeaders), Signature=\(signature)"))
        return signature
    }

    // MARK: Presigning

    /// A presigned URL (`https://host/path?...&X-Amz-Signature=...`) valid for `expires`
    /// seconds from `date`. `host` is always signed, plus any `headers` (a presigned PUT signs
    /// `content-type`, which the uploader must then send as given); the payload is
    /// `UNSIGNED-PAYLOAD`.
    public func presignedURL(method: String, host: String, path: String, query: [(String, String)] = [], expires: Int, date: Date, scheme: String = "https", headers: [(String, String)] = []) -> String {
        let stamp = Self.timestamps(date)
        let signedHeaders = [("host", host)] + headers.map { ($0.0.lowercased(), $0.1) }
        var auth: [(String, String)] = [
            ("X-Amz-Algorithm", Self.algorithm),
            ("X-Amz-Credential", "\(credentials.accessKeyID)/\(scope(stamp.short))"),
            ("X-Amz-Date", stamp.long),
            ("X-Amz-Expires", String(expires)),
            ("X-Amz-SignedHeaders", Set(signedHeaders.map(\.0)).sorted().joined(separator: ";")),
        ]
        if let token = credentials.sessionToken { auth.append(("X-Amz-Security-Token", token)) }
        let canonical = canonicalRequest(method: method, path: path, query: query + auth, headers: signedHeaders, payloadHash: Self.unsignedPayload)
        let signature = self.signature(canonicalRequest: canonical.request, date: stamp)
        // The signature covers the sorted parameters; the URL lists them as botocore and the
        // AWS CLI do (operation parameters, then the auth ones in this order), so URLs compare equal.
        let operation = query.isEmpty ? "" : canonicalQuery(query) + "&"
        let authQuery = auth.map { Self.encode($0.0) + "=" + Self.encode($0.1) }.joined(separator: "&")
        return "\(scheme)://\(host)\(canonicalPath(path))?\(operation)\(authQuery)&X-Amz-Signature=\(signature)"
    }

    // MARK: The parts, exposed for tests against published vectors

    /// The canonical request and its signed-header list.
    public func canonicalRequest(method: String, path: String, query: [(String, String)], headers: [(String, String)], payloadHash: String) -> (request: String, signedHeaders: String) {
        var byName: [String: [String]] = [:]
        for (name, value) in headers {
            byName[name.lowercased(), default: []].append(Self.trimmed(value))
        }
        let names = byName.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(byName[$0]!.joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let request = [method.uppercased(), canonicalPath(path), canonicalQuery(query), canonicalHeaders, signedHeaders, payloadHash].joined(separator: "\n")
        return (request, signedHeaders)
    }

    /// The string to sign for a canonical request.
    public func stringToSign(canonicalRequest: String, date: Date) -> String {
        stringToSign(canonicalRequest: canonicalRequest, stamp: Self.timestamps(date))
    }

    /// `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
    public func signingKey(day: String) -> SymmetricKey {
        var key = SymmetricKey(data: Data("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return key
    }

    /// The path as signed: S3 encodes each segment once; other services normalise `.`/`..`
    /// and empty segments, then encode twice.
    public func canonicalPath(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : "/" + path
        guard service != "s3" else {
            return absolute.split(separator: "/", omittingEmptySubsequences: false).map { Self.encode(String($0)) }.joined(separator: "/")
        }
        var segments: [String] = []
        for segment in absolute.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." { _ = segments.popLast(); continue }
            segments.append(Self.encode(Self.encode(String(segment))))
        }
        let trailing = absolute.count > 1 && absolute.hasSuffix("/") ? "/" : ""
        return "/" + segments.joined(separator: "/") + (segments.isEmpty ? "" : trailing)
    }

    /// Parameters encoded, then sorted by name and value.
    public func canonicalQuery(_ query: [(String, String)]) -> String {
        let encoded: [(name: String, value: String)] = query.map { (Self.encode($0.0), Self.encode($0.1)) }
        let sorted = encoded.sorted { a, b in a.name == b.name ? a.value < b.value : a.name < b.name }
        return sorted.map { pair in pair.name + "=" + pair.value }.joined(separator: "&")
    }

    /// RFC 3986 percent-encoding of everything but `A-Z a-z 0-9 - _ . ~`, upper-case hex.
    public static func encode(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(UnicodeScalar(byte))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    // MARK: Internals

    struct Stamp {
        let long: String  // 20130524T000000Z
        let short: String // 20130524
    }

    static func timestamps(_ date: Date) -> Stamp {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let long = formatter.string(from: date)
        return Stamp(long: long, short: String(long.prefix(8)))
    }

    func scope(_ day: String) -> String { "\(day)/\(region)/\(service)/aws4_request" }

    func stringToSign(canonicalRequest: String, stamp: Stamp) -> String {
        let hash = SHA256.hash(data: Data(canonicalRequest.utf8)).hexString
        return [Self.algorithm, stamp.long, scope(stamp.short), hash].joined(separator: "\n")
    }

    func signature(canonicalRequest: String, date stamp: Stamp) -> String {
        let toSign = stringToSign(canonicalRequest: canonicalRequest, stamp: stamp)
        return HMAC<SHA256>.authenticationCode(for: Data(toSign.utf8), using: signingKey(day: stamp.short)).hexString
    }

    /// Header values lose surrounding spaces and runs of inner spaces collapse to one.
    static func trimmed(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ").trimmingCharacters(in: .whitespaces)
    }
}
