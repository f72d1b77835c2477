import Crypto
import Foundation

/// A 256-bit key of the ``SecretStore`` and its id, which travels in every value it seals so
/// that the right key opens it after a rotation.
public struct SecretKey: Sendable {
    /// 8 hex digits of the key's SHA-256: names the key in sealed values and logs, reveals nothing.
    public let id: String
    let key: SymmetricKey

    /// A key from its 32 raw bytes.
    public init(bytes: some ContiguousBytes) {
        key = SymmetricKey(data: bytes)
        id = SHA256.hash(data: key.withUnsafeBytes { Data($0) }).prefix(4).hexString
    }

    /// A fresh random key.
    public static func random() -> SecretKey {
        SecretKey(bytes: SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
    }

    /// The key in base64, as `PLINTH_SECRET_KEY` holds it.
    public var base64: String { key.withUnsafeBytes { Data($0) }.base64EncodedString() }

    /// `text` (base64 of 32 bytes) as a key; `nil` for `nil`.
    /// - Throws: ``ConfigurationError`` naming `setting` when it is not 32 bytes of base64.
    static func parse(_ text: String?, setting: String) throws -> SecretKey? {
        guard let text else { return nil }
        guard let bytes = Data(base64Encoded: text), bytes.count == 32 else {
            throw ConfigurationError(key: setting, reason: "must be 32 random bytes in base64 (44 characters; `openssl rand -base64 32`), not a \(text.count)-character value")
        }
        return SecretKey(bytes: bytes)
    }
}
