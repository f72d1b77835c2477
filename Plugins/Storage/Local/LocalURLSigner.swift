import Crypto
import Foundation
import PlinthKernel

/// Signs and checks the local driver's presigned URLs:
/// `{API_BASE_URL}/api/storage/signed/{storage path}?method=GET&expires={unix}&signature={hex}`.
/// The HMAC-SHA256 covers method, path, expiry and (for PUT) the content type, so none of them
/// can be changed without invalidating the URL.
public struct LocalURLSigner: Sendable {
    /// The HMAC key; the plugin reads it from the database in boot.
    let secret: BootValue<SymmetricKey>
    var key: SymmetricKey { secret.value }
    let baseURL: String
    let now: @Sendable () -> Date

    public init(secret: Data, baseURL: String, now: @escaping @Sendable () -> Date = Date.init) {
        let key = BootValue<SymmetricKey>("the storage plugin's signing key")
        key.set(SymmetricKey(data: secret))
        self.init(secret: key, baseURL: baseURL, now: now)
    }

    /// A signer whose key is set later (in boot).
    public init(secret: BootValue<SymmetricKey>, baseURL: String, now: @escaping @Sendable () -> Date = Date.init) {
        self.secret = secret
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.now = now
    }

    public static let routePrefix = "/api/storage/signed/"

    func url(method: PresignMethod, storagePath: String, expires: Int, contentType: String?) -> PresignedURL {
        let expiresAt = Int(now().timeIntervalSince1970) + expires
        let signature = sign(method: method, storagePath: storagePath, expiresAt: expiresAt, contentType: contentType)
        let path = storagePath.split(separator: "/", omittingEmptySubsequences: false).map { SigV4Signer.encode(String($0)) }.joined(separator: "/")
        var headers: [String: String] = [:]
        if method == .put, let contentType { headers["Content-Type"] = contentType }
        return PresignedURL(
            url: "\(baseURL)\(Self.routePrefix)\(path)?method=\(method.rawValue)&expires=\(expiresAt)&signature=\(signature)",
            method: method, expiresAt: Date(timeIntervalSince1970: Double(expiresAt)), headers: headers
        )
    }

    /// Nil when the URL is genuine and unexpired, otherwise why not.
    func check(method: PresignMethod, storagePath: String, expiresAt: Int, contentType: String?, signature: String) -> String? {
        guard expiresAt >= Int(now().timeIntervalSince1970) else { return "the URL has expired" }
        let expected = sign(method: method, storagePath: storagePath, expiresAt: expiresAt, contentType: contentType)
        // Constant time: compare HMACs of both rather than the strings.
        let a = HMAC<SHA256>.authenticationCode(for: Data(expected.utf8), using: key)
        let b = HMAC<SHA256>.authenticationCode(for: Data(signature.utf8), using: key)
        return a == b ? nil : "the signature does not match"
    }

    func sign(method: PresignMethod, storagePath: String, expiresAt: Int, contentType: String?) -> String {
        let text = [method.rawValue, storagePath, String(expiresAt), method == .put ? (contentType ?? "") : ""].joined(separator: "\n")
        return HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key).hexString
    }
}
