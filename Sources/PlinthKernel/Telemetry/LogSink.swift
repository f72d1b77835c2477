import Foundation
import Synchronization

/// Batches log lines for standard error: writers append to a buffer, which is written when it
/// passes 64 KiB (by the writer that filled it) or after at most 20 ms (by a background thread
/// woken once per batch). A request pays for formatting, not for a `write(2)` or a thread
/// wake-up of its own, which on a busy two-core machine cost more than the formatting.
/// ``flush()`` writes what is pending (the CLI calls it before exiting).
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
    static let batchBytes = 64 << 10

    public func write(_ line: String) {
        let (wasEmpty, full) = pending.withLock { buffer -> (Bool, [UInt8]?) in
            let empty = buffer.isEmpty
            buffer.append(contentsOf: line.utf8)
            buffer.append(10)
            guard buffer.count >= Self.batchBytes else { return (empty, nil) }
            defer { buffer.removeAll(keepingCapacity: true) }
            return (false, buffer)
        }
        if let full {
            writeOut(full)
            return
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
        writeOut(bytes)
    }

    private func writeOut(_ bytes: [UInt8]) {
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
            usleep(20_000)
            flush()
        }
    }
}
