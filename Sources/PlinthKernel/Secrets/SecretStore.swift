import Crypto
import Foundation
import Logging
import SQLKit
import Synchronization

/// Seals plugins' secrets at rest (signing keys, provider tokens, TOTP seeds) with AES-256-GCM.
///
/// The key is `PLINTH_SECRET_KEY` (32 bytes, base64), required in production. Elsewhere a key
/// is generated once into `PLINTH_DATA_DIR/secret.key`, with a warning at start. Every sealed
/// value names its key (``SecretKey/id``), so keys rotate: set the new key, move the old one to
/// `PLINTH_SECRET_KEY_PREVIOUS`, and run `plinth secrets reseal`. Each value is bound to its
/// ``SecretOwner`` (plugin, table, row) as associated data.
///
/// ```swift
/// let owner = SecretOwner(plugin: context.id, table: "oauth_tokens", row: tokenID)
/// let sealed = try context.secrets.seal(Data(token.utf8), for: owner)
/// let token = try context.secrets.open(sealed, for: owner)
/// ```
///
/// Columns that hold sealed values are declared with ``declare(_:)`` in step 5, so that
/// `plinth secrets reseal` finds them.
public final class SecretStore: Sendable {
    static let prefix = "sealed:v1:"

    /// The key new values are sealed with.
    public let current: SecretKey
    let previous: [SecretKey]
    private let columns = Mutex<[SealedColumn]>([])

    /// A store sealing with `current` and also opening values sealed with `previous`.
    public init(current: SecretKey, previous: [SecretKey] = []) {
        self.current = current
        self.previous = previous.filter { $0.id != current.id }
    }

    /// Seals `plaintext` for `owner` with the current key: `sealed:v1:<key id>:<base64url>`.
    public func seal(_ plaintext: some DataProtocol, for owner: SecretOwner) throws -> String {
        let box = try AES.GCM.seal(plaintext, using: current.key, authenticating: owner.associatedData(keyID: current.id))
        guard let combined = box.combined else { throw SecretStoreError(code: .malformed, owner: owner, detail: "AES-GCM gave no combined form") }
        return Self.prefix + current.id + ":" + Self.base64URL(combined)
    }

    /// Seals the UTF-8 of `plaintext`.
    public func seal(_ plaintext: String, for owner: SecretOwner) throws -> String {
        try seal(Data(plaintext.utf8), for: owner)
    }

    /// Opens a value ``seal(_:for:)`` made for `owner`, with the current or a previous key.
    /// - Throws: ``SecretStoreError``: malformed, sealed with an unknown key, changed, or another owner's.
    public func open(_ sealed: String, for owner: SecretOwner) throws -> Data {
        guard let (keyID, bytes) = Self.parts(sealed) else {
            throw SecretStoreError(code: .malformed, owner: owner, detail: "not a sealed value")
        }
        guard let key = ([current] + previous).first(where: { $0.id == keyID }) else {
            throw SecretStoreError(code: .unknownKey, owner: owner, detail: "sealed with key \(keyID), which is neither PLINTH_SECRET_KEY (\(current.id)) nor in PLINTH_SECRET_KEY_PREVIOUS")
        }
        do {
            return try AES.GCM.open(AES.GCM.SealedBox(combined: bytes), using: key.key, authenticating: owner.associatedData(keyID: keyID))
        } catch {
            throw SecretStoreError(code: .rejected, owner: owner, detail: "it was changed, or it belongs to another owner")
        }
    }

    /// Opens a value sealed from a string.
    public func openString(_ sealed: String, for owner: SecretOwner) throws -> String {
        guard let text = String(data: try open(sealed, for: owner), encoding: .utf8) else {
            throw SecretStoreError(code: .malformed, owner: owner, detail: "not UTF-8 text")
        }
        return text
    }

    /// Whether `value` is sealed at all (values written before the store was used are not).
    public static func isSealed(_ value: String) -> Bool { parts(value) != nil }

    /// Whether `sealed` is sealed with the current key (and so needs no resealing).
    public func isCurrent(_ sealed: String) -> Bool { Self.parts(sealed)?.keyID == current.id }

    /// Declares a column that holds sealed values, for `plinth secrets reseal`. Call in step 5.
    public func declare(_ column: SealedColumn) {
        columns.withLock { list in if !list.contains(column) { list.append(column) } }
    }

    /// The columns plugins declared.
    public var declaredColumns: [SealedColumn] { columns.withLock { $0 } }

    private static func parts(_ value: String) -> (keyID: String, bytes: Data)? {
        guard value.hasPrefix(prefix) else { return nil }
        let rest = value.dropFirst(prefix.count).split(separator: ":", maxSplits: 1)
        guard rest.count == 2, rest[0].count == 8, let bytes = fromBase64URL(String(rest[1])), bytes.count >= 28 else { return nil }
        return (String(rest[0]), bytes)
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func fromBase64URL(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
