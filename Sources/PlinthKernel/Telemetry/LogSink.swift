import Foundation
import Synchronization

/// Batches log lines for standard error: writers append to a buffer and a dedicated thread
/// writes it out, so a request pays for formatting but not for a `write(2)` of its own.
/// Lines reach the file within about a millisecond; ``flush()`` writes what is pending (the
/// CLI calls it before exiting).
public final class LogSink: Sendable {
    /// The process-wide sink for standard error.
    public static let standardError = LogSink(fileDescriptor: 2)

    private let fileDescriptor: Int32
    private let pending = Mutex<[UInt8]>([])
    private let wake = NSCondition()
    private let started = Atomic<Bool>(false)

    init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    /// Queues `line` and a newline.
    public func write(_ line: String) {
        let wasEmpty = pending.withLock { buffer in
            let empty = buffer.isEmpty
            buffer.append(contentsOf: line.utf8)
            buffer.append(10)
            return empty
        }
        if started.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged {
            let thread = Thread { [self] in run() }
            thread.name = "plinth-log"
            thread.start()
        }
        if wasEmpty {
            wake.lock()
            wake.signal()
            wake.unlock()
        }
    }

    /// Writes everything queued so far.
    public func flush() {
        let bytes = pending.withLock { buffer -> [UInt8] in
            defer { buffer.removeAll(keepingCapacity: true) }
            return buffer
        }
        bytes.withUnsafeBufferPointer { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(fileDescriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }

    private func run() {
        while true {
            wake.lock()
            while pending.withLock({ $0.isEmpty }) { _ = wake.wait(until: Date().addingTimeInterval(1)) }
            wake.unlock()
            // Let concurrent requests add their lines, then write them with one call.
            usleep(500)
            flush()
        }
    }
}
