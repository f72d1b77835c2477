import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Random bytes for execution ids, drawn from the kernel's generator 4 KiB at a time (the
/// source `SystemRandomNumberGenerator` uses), so 256 ids cost one system call, not 512.
final class ExecutionIDRandomness: Sendable {
    static let shared = ExecutionIDRandomness()
    private static let poolSize = 4096
    private let pool = Mutex<(bytes: [UInt8], used: Int)>(([], 0))

    /// Sixteen bytes no caller has had before.
    func next16() -> [UInt8] {
        pool.withLock { pool in
            if pool.used + 16 > pool.bytes.count {
                pool.bytes = Self.fill(Self.poolSize)
                pool.used = 0
            }
            defer { pool.used += 16 }
            return Array(pool.bytes[pool.used..<pool.used + 16])
        }
    }

    private static func fill(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        #if canImport(Glibc)
        // glibc's arc4random_buf reads the kernel's generator (getrandom) for the whole buffer.
        bytes.withUnsafeMutableBytes { arc4random_buf($0.baseAddress!, count) }
        #else
        var generator = SystemRandomNumberGenerator()
        for i in 0..<count { bytes[i] = generator.next() }
        #endif
        return bytes
    }
}
