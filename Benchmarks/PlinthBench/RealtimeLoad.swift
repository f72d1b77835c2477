import Dispatch
import Foundation
import HummingbirdWSClient
import Logging
import Synchronization

/// The realtime benchmark's client: `subscribers` WebSocket subscribers spread round-robin over
/// `urls`, then one publisher on `publish` sending `rate` messages a second for `seconds` (each padded with `size` bytes).
/// Each message carries its send time (`@<monotonic ns>`); each subscriber notes when it
/// arrives. Prints one line of JSON: deliveries, the delivered rate, latency percentiles.
///
/// `kernel` subscribers send the `/ws` subscribe message and count as ready on `subscribed`;
/// bare ones are ready once connected.
struct RealtimeLoad {
    var urls: [String]
    var publish: String
    var subscribers = 1_000
    var rate = 10.0
    var seconds = 10.0
    var kernel = true
    /// Bytes of padding after the send time in each message.
    var size = 0

    final class Stats: Sendable {
        struct Value {
            var ready = 0
            var delivered = 0
            var closed = 0
            var last: UInt64 = 0
            var latencies: [UInt64] = []
        }
        let value = Mutex(Value())
    }

    static let noLogs = Logger(label: "load", factory: { _ in SwiftLogNoOpLogHandler() })

    func run() async throws {
        let stats = Stats()
        stats.value.withLock { $0.latencies.reserveCapacity(Int(rate * seconds) * subscribers) }
        var configuration = WebSocketClientConfiguration()
        configuration.maxFrameSize = 1 << 20
        let kernel = self.kernel
        for index in 0..<subscribers {
            let url = urls[index % urls.count]
            Task {
                _ = try? await WebSocketClient.connect(url: url, configuration: configuration, logger: Self.noLogs) { inbound, outbound, _ in
                    if kernel {
                        try await outbound.writeTextMessage(#"{"type":"subscribe","channel":"feed"}"#)
                    } else {
                        stats.value.withLock { $0.ready += 1 }
                    }
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        guard case .text(let text) = message else { continue }
                        let now = DispatchTime.now().uptimeNanoseconds
                        if let sent = Self.stamp(in: text) {
                            stats.value.withLock {
                                $0.delivered += 1
                                $0.last = max($0.last, now)
                                $0.latencies.append(now &- sent)
                            }
                        } else if text.contains(#""type":"subscribed""#) {
                            stats.value.withLock { $0.ready += 1 }
                        }
                    }
                }
                stats.value.withLock { $0.closed += 1 }
            }
            // A burst of a thousand handshakes at once only measures the accept queue.
            if index % 50 == 49 { try await Task.sleep(for: .milliseconds(20)) }
        }
        let readyBy = ContinuousClock.now + .seconds(60)
        while stats.value.withLock({ $0.ready }) < subscribers, ContinuousClock.now < readyBy {
            try await Task.sleep(for: .milliseconds(20))
        }
        let ready = stats.value.withLock { $0.ready }

        let total = Int(rate * seconds)
        let (commands, queue) = AsyncStream<String?>.makeStream()
        let publisher = Task {
            try await WebSocketClient.connect(url: publish, configuration: configuration, logger: Self.noLogs) { _, outbound, _ in
                for await text in commands {
                    guard let text else { break }
                    try await outbound.writeTextMessage(text)
                }
            }
        }
        try await Task.sleep(for: .milliseconds(300))
        let start = DispatchTime.now().uptimeNanoseconds
        let interval = UInt64(1e9 / rate)
        let padding = size > 0 ? " " + String(repeating: "x", count: size) : ""
        for index in 0..<total {
            let due = start + UInt64(index) * interval
            let now = DispatchTime.now().uptimeNanoseconds
            if due > now { try await Task.sleep(for: .nanoseconds(Int(due - now))) }
            queue.yield("@\(DispatchTime.now().uptimeNanoseconds)" + padding)
        }
        let expected = total * ready
        // Until everything arrived, or nothing more did for 3 s.
        var seen = -1, still = ContinuousClock.now
        while true {
            let delivered = stats.value.withLock { $0.delivered }
            if delivered >= expected { break }
            if delivered != seen { seen = delivered; still = .now } else if ContinuousClock.now - still > .seconds(3) { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        queue.yield(nil)
        _ = try? await publisher.value
        let result = stats.value.withLock { value -> [String: Double] in
            let sorted = value.latencies.sorted()
            func percentile(_ p: Double) -> Double {
                sorted.isEmpty ? -1 : Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1e6
            }
            let elapsed = Double(value.last &- start) / 1e9
            return [
                "subscribers": Double(subscribers), "ready": Double(ready), "published": Double(total),
                "expected": Double(expected), "delivered": Double(value.delivered), "closed": Double(value.closed),
                "rate": elapsed > 0 ? Double(value.delivered) / elapsed : 0,
                "p50_ms": percentile(0.5), "p99_ms": percentile(0.99), "max_ms": percentile(1.0),
            ]
        }
        let line = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        print(String(decoding: line, as: UTF8.self))
    }

    /// The send time in `@<digits>`, wherever it sits in the message.
    static func stamp(in text: String) -> UInt64? {
        let bytes = text.utf8
        guard let at = bytes.firstIndex(of: UInt8(ascii: "@")) else { return nil }
        var value: UInt64 = 0
        var index = bytes.index(after: at)
        while index < bytes.endIndex, let digit = Optional(bytes[index]), digit >= 48, digit <= 57 {
            value = value * 10 + UInt64(digit - 48)
            index = bytes.index(after: index)
        }
        return value
    }
}
