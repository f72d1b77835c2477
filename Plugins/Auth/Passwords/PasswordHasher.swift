import Crypto
import Foundation
import HummingbirdBcrypt
import NIOPosix

/// bcrypt with a SHA-256 pre-hash, run on NIO's thread pool so that a slow hash never blocks
/// the tasks serving other requests.
///
/// bcrypt reads only the first 72 bytes of its input, so two long passphrases sharing a prefix
/// would both verify (64 emoji are 256 bytes). Every password is therefore first reduced to
/// base64(SHA-256(password)), 44 ASCII bytes without NUL, and that is what bcrypt hashes.
struct PasswordHasher: Sendable {
    /// bcrypt's cost: 2^rounds iterations (`BCRYPT_ROUNDS`).
    let rounds: Int

    static func prehash(_ password: String) -> String {
        Data(SHA256.hash(data: Data(password.utf8))).base64EncodedString()
    }

    func hash(_ password: String) async throws -> String {
        let input = Self.prehash(password)
        let cost = UInt8(rounds)
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(input, cost: cost) }
    }

    func verify(_ password: String, hash: String) async throws -> Bool {
        let input = Self.prehash(password)
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(input, hash: hash) }
    }

    /// The cost a stored hash was made with, read from its `$2b$NN$` prefix.
    static func cost(of hash: String) -> Int? {
        let parts = hash.split(separator: "$")
        guard parts.count >= 3, parts[0].hasPrefix("2") else { return nil }
        return Int(parts[1])
    }

    /// A hash of nothing anyone knows, verified against when the account does not exist so that
    /// an unknown email costs as much time as a wrong password.
    static let decoy = Bcrypt.hash(prehash(UUID().uuidString), cost: 10)
}
