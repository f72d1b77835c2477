import Synchronization

/// Request ids: a random per-process prefix and a counter, `7f3a9c21e4b05d68-00000000002a`.
/// Unique across instances with overwhelming probability and far cheaper than a random UUID
/// per request; they identify requests, they are not secrets.
enum RequestIDGenerator {
    static let prefix: String = {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt64
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }()
    static let counter = Atomic<UInt64>(0)

    static func next() -> String {
        let n = counter.add(1, ordering: .relaxed).newValue
        let hex = String(n, radix: 16)
        return prefix + "-" + String(repeating: "0", count: max(0, 12 - hex.count)) + hex
    }
}
