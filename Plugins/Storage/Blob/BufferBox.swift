import NIOCore
import Synchronization

/// Collects chunks handed over by a `@Sendable` consumer. The producer calls the consumer
/// strictly one chunk after another, so the lock is never contended; it is there because the
/// closure must be `@Sendable`.
final class BufferBox: Sendable {
    private let buffer = Mutex<ByteBuffer>(ByteBuffer())

    func append(_ chunk: ByteBuffer, limit: Int) throws {
        try buffer.withLock { buffer in
            guard buffer.readableBytes + chunk.readableBytes <= limit else { throw BlobStoreError.tooLarge(limit: limit) }
            var chunk = chunk
            buffer.writeBuffer(&chunk)
        }
    }

    func take() -> ByteBuffer { buffer.withLock { $0 } }
}
