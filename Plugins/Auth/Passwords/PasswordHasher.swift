import Crypto
import Foundation
import HummingbirdBcrypt
import NIOCore
import NIOPosix
import Synchronization

/// bcrypt with a SHA-256 pre-hash, run on a thread pool of its own so that a slow hash never
/// blocks the tasks serving other requests, and never waits behind file I/O on NIO's shared
/// blocking pool (a storage listing or upload).
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

    /// One thread per core: bcrypt is all CPU, so more threads would only queue in the kernel.
    /// Started once and kept for the life of the process, as NIO's own singleton pool is.
    static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: max(1, System.coreCount))
        pool.start()
        return pool
    }()

    func hash(_ password: String) async throws -> String {
        let input = Self.prehash(password)
        let cost = UInt8(rounds)
        return try await Self.pool.runIfActive { Bcrypt.hash(input, cost: cost) }
    }

    func verify(_ password: String, hash: String) async throws -> Bool {
        let input = Self.prehash(password)
        return try await Self.pool.runIfActive { Bcrypt.verify(input, hash: hash) }
    }

    /// Verifies against ``decoy``, for when there is no hash to check: same work, same time.
    func verifyDecoy(_ password: String) async throws {
        let input = Self.prehash(password)
        let hasher = self
        _ = try await Self.pool.runIfActive { Bcrypt.verify(input, hash: hasher.decoy) }
    }

    /// The cost a stored hash was made with, read from its `$2b$NN$` prefix.
    static func cost(of hash: String) -> Int? {
        let parts = hash.split(separator: "$")
        guard parts.count >= 3, parts[0].hasPrefix("2") else { return nil }
        return Int(parts[1])
    }

    /// A hash of nothing anyone knows, at this hasher's cost, verified against when the account
    /// does not exist (or is locked) so that an unknown email costs as much time as a wrong
    /// password. Made on first use, once per cost.
    var decoy: String {
        if let made = Self.decoys.withLock({ $0[rounds] }) { return made }
        let made = Bcrypt.hash(Self.prehash(UUID().uuidString), cost: UInt8(rounds))
        return Self.decoys.withLock { decoys in
            if let first = decoys[rounds] { return first }
            decoys[rounds] = made
            return made
        }
    }

    private static let decoys = Mutex<[Int: String]>([:])
}
