import Crypto
import Foundation
import PlinthKernel

/// Random secrets handed to clients (refresh tokens, reset links, API keys) and the keyed
/// hashes kept in their place: a copy of the tables gives nobody a usable token.
struct SecretToken: Sendable {
    /// `JWT_REFRESH_SECRET` (or the generated one, read in boot), the HMAC key of the stored hashes.
    let secret: BootValue<SymmetricKey>
    var key: SymmetricKey { secret.value }

    /// `bytes` random bytes from the system CSPRNG, base64url without padding.
    static func random(bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let raw = (0..<bytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return base64URL(Data(raw))
    }

    /// `hexCharacters` random hex digits (4 bits each).
    static func randomHex(_ hexCharacters: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let raw = (0..<(hexCharacters + 1) / 2).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return String(raw.hexString.prefix(hexCharacters))
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// HMAC-SHA256 of `token` under the refresh secret, hex.
    func hash(_ token: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(token.utf8), using: key).hexString
    }

    /// Compares two strings in time that depends only on their lengths.
    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<x.count { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}
