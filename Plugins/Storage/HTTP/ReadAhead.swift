import NIOCore
import Synchronization

/// A bounded buffer between a download's source and the response, so that reading the next
/// bytes from S3 overlaps sending the last ones to the client, and the response is written in
/// a few large writes rather than one per network read. Holds at most about `limit` bytes:
/// the producer waits while that much is buffered.
final class ReadAhead: Sendable {
    private struct State {
        var chunks: [ByteBuffer] = []
        var bytes = 0
        var finished = false
        var failure: (any Error)?
        var cancelled = false
        var producer: CheckedContinuation<Void, any Error>?
        var consumer: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())
    /// Bytes buffered before the producer waits. Default 4 MiB.
    let limit: Int

    init(limit: Int = 4 << 20) {
        self.limit = limit
    }

    /// Adds a chunk, then waits while `limit` bytes are buffered.
    /// - Throws: `CancellationError` once the consumer has gone (``cancel()``) or the task is cancelled.
    func push(_ chunk: ByteBuffer) async throws {
        let consumer: CheckedContinuation<Void, Never>? = state.withLock { state in
            state.chunks.append(chunk)
            state.bytes += chunk.readableBytes
            defer { state.consumer = nil }
            return state.consumer
        }
        consumer?.resume()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let now: Result<Void, any Error>? = state.withLock { state in
                    if state.cancelled { return .failure(CancellationError()) }
                    if state.bytes < limit { return .success(()) }
                    state.producer = continuation
                    return nil
                }
                if let now { continuation.resume(with: now) }
            }
        } onCancel: {
            cancel()
        }
    }

    /// Marks the end of the source, with its error if it failed.
    func finish(_ failure: (any Error)?) {
        let consumer: CheckedContinuation<Void, Never>? = state.withLock { state in
            state.finished = true
            state.failure = failure
            defer { state.consumer = nil }
            return state.consumer
        }
        consumer?.resume()
    }

    /// Stops the producer: the consumer will not read on (the client went away).
    func cancel() {
        let producer: CheckedContinuation<Void, any Error>? = state.withLock { state in
            state.cancelled = true
            defer { state.producer = nil }
            return state.producer
        }
        producer?.resume(throwing: CancellationError())
    }

    /// Every chunk buffered so far, waiting for at least one; nil after the last.
    /// - Throws: the source's error, after the chunks that came before it.
    func take() async throws -> [ByteBuffer]? {
        while true {
            enum Next { case chunks([ByteBuffer], CheckedContinuation<Void, any Error>?), end, failed(any Error), wait }
            let next: Next = state.withLock { state in
                if !state.chunks.isEmpty {
                    let chunks = state.chunks
                    state.chunks.removeAll(keepingCapacity: true)
                    state.bytes = 0
                    defer { state.producer = nil }
                    return .chunks(chunks, state.producer)
                }
                if state.finished { return state.failure.map { .failed($0) } ?? .end }
                return .wait
            }
            switch next {
            case .chunks(let chunks, let producer):
                producer?.resume()
                return chunks
            case .end:
                return nil
            case .failed(let error):
                throw error
            case .wait:
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let ready = state.withLock { state in
                        if !state.chunks.isEmpty || state.finished { return true }
                        state.consumer = continuation
                        return false
                    }
                    if ready { continuation.resume() }
                }
            }
        }
    }
}
