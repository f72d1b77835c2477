import NIOCore
import Synchronization

/// A bounded buffer between a download's source and its reader, so that reading the next bytes
/// overlaps sending the last ones, and the reader takes them in a few large batches rather than
/// one per network read. Holds at most about `limit` bytes: the producer waits while that much
/// is buffered.
///
/// Producers are either tasks (``push(_:)``) or channel handlers (``offer(_:onRoom:)``, which
/// answers at once instead of suspending, so a connection can feed it from its event loop
/// without a thread hop per read).
final class ReadAhead: Sendable {
    /// A producer waiting for room.
    private enum Waiter {
        case task(CheckedContinuation<Void, any Error>)
        case callback(@Sendable (Result<Void, any Error>) -> Void)

        func resume(with result: Result<Void, any Error>) {
            switch self {
            case .task(let continuation): continuation.resume(with: result)
            case .callback(let callback): callback(result)
            }
        }
    }

    private struct State {
        var chunks: [ByteBuffer] = []
        var bytes = 0
        var finished = false
        var failure: (any Error)?
        var cancelled = false
        var producer: Waiter?
        var consumer: CheckedContinuation<Void, Never>?
        var onCancel: (@Sendable () -> Void)?
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
        append(chunk)
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                if let now = wait(.task(continuation)) { continuation.resume(with: now) }
            }
        } onCancel: {
            cancel()
        }
    }

    /// Adds a chunk without waiting. Answers `.success` while fewer than `limit` bytes are
    /// buffered (produce on), `.failure(CancellationError())` once the consumer has gone, and
    /// nil when the buffer is full: then `onRoom` is called, from the consumer's thread, with
    /// success once the consumer has taken the bytes or with the cancellation.
    func offer(_ chunk: ByteBuffer, onRoom: @escaping @Sendable (Result<Void, any Error>) -> Void) -> Result<Void, any Error>? {
        append(chunk)
        return wait(.callback(onRoom))
    }

    private func append(_ chunk: ByteBuffer) {
        let consumer: CheckedContinuation<Void, Never>? = state.withLock { state in
            state.chunks.append(chunk)
            state.bytes += chunk.readableBytes
            defer { state.consumer = nil }
            return state.consumer
        }
        consumer?.resume()
    }

    /// Parks `waiter` while the buffer is full; the result to resume it with now otherwise.
    private func wait(_ waiter: Waiter) -> Result<Void, any Error>? {
        state.withLock { state in
            if state.cancelled { return .failure(CancellationError()) }
            if state.bytes < limit { return .success(()) }
            state.producer = waiter
            return nil
        }
    }

    /// Marks the end of the source, with its error if it failed.
    func finish(_ failure: (any Error)?) {
        let consumer: CheckedContinuation<Void, Never>? = state.withLock { state in
            state.finished = true
            state.failure = failure
            // The source is done with whatever the action stops (a connection may already
            // carry another download): a consumer that goes away now must not stop it.
            state.onCancel = nil
            defer { state.consumer = nil }
            return state.consumer
        }
        consumer?.resume()
    }

    /// Runs `action` when the consumer goes away before the source has finished (at once if it
    /// has), so a producer that does not wait on this buffer (a network request) can be stopped.
    func whenCancelled(_ action: @escaping @Sendable () -> Void) {
        let now = state.withLock { state in
            if state.cancelled { return true }
            state.onCancel = action
            return false
        }
        if now { action() }
    }

    /// Stops the producer: the consumer will not read on (the client went away).
    func cancel() {
        let (producer, consumer, onCancel) = state.withLock { state in
            state.cancelled = true
            state.chunks = []
            state.bytes = 0
            defer {
                state.producer = nil
                state.consumer = nil
                state.onCancel = nil
            }
            return (state.producer, state.consumer, state.onCancel)
        }
        producer?.resume(with: .failure(CancellationError()))
        consumer?.resume()
        onCancel?()
    }

    /// Every chunk buffered so far, waiting for at least one; nil after the last.
    /// - Throws: the source's error, after the chunks that came before it; `CancellationError`
    ///   once the buffer or the reading task is cancelled (which cancels the buffer).
    func take() async throws -> [ByteBuffer]? {
        while true {
            enum Next { case chunks([ByteBuffer], Waiter?), end, failed(any Error), wait }
            let next: Next = state.withLock { state in
                if state.cancelled { return .failed(CancellationError()) }
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
                producer?.resume(with: .success(()))
                return chunks
            case .end:
                return nil
            case .failed(let error):
                throw error
            case .wait:
                // A reader cancelled while the source is silent stops now, not at the source's timeout.
                await withTaskCancellationHandler {
                    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                        let ready = state.withLock { state in
                            if !state.chunks.isEmpty || state.finished || state.cancelled { return true }
                            state.consumer = continuation
                            return false
                        }
                        if ready { continuation.resume() }
                    }
                } onCancel: {
                    cancel()
                }
            }
        }
    }
}

/// Cancels a buffer when the last reference to it goes: held by a body that has not been read,
/// it stops the source of a body nobody will read. Cancelling a buffer whose source has finished
/// does nothing the reader could see.
final class CancelOnRelease: Sendable {
    let buffer: ReadAhead

    init(_ buffer: ReadAhead) {
        self.buffer = buffer
    }

    deinit { buffer.cancel() }
}
