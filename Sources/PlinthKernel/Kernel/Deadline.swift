import Synchronization

/// Thrown by ``withDeadline(seconds:_:)`` when the work did not finish in time.
public struct DeadlineExceeded: Error, CustomStringConvertible, Sendable {
    public let seconds: Double
    public init(seconds: Double) { self.seconds = seconds }
    public var description: String { "no answer within \(seconds) s" }
}

/// Runs `work`, throwing ``DeadlineExceeded`` after `seconds` even if `work` ignores
/// cancellation: the work is cancelled and left to finish on its own, so a stuck health check
/// or shutdown hook cannot hold up `/ready` or shutdown.
public func withDeadline<T: Sendable>(seconds: Double, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
    let outcome = FirstOutcome<T>()
    let worker = Task {
        do { outcome.settle(.success(try await work())) } catch { outcome.settle(.failure(error)) }
    }
    let timer = Task {
        try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
        outcome.settle(.failure(DeadlineExceeded(seconds: seconds)))
    }
    defer {
        worker.cancel()
        timer.cancel()
    }
    return try await withTaskCancellationHandler {
        try await outcome.value()
    } onCancel: {
        outcome.settle(.failure(CancellationError()))
    }
}

/// The first result offered wins; later ones are ignored.
final class FirstOutcome<T: Sendable>: Sendable {
    private let state = Mutex<(result: Result<T, any Error>?, waiter: CheckedContinuation<T, any Error>?)>((nil, nil))

    func settle(_ result: Result<T, any Error>) {
        let waiter: CheckedContinuation<T, any Error>? = state.withLock { state in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(with: result)
    }

    func value() async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<T, any Error>? = state.withLock { state in
                if let result = state.result { return result }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}
