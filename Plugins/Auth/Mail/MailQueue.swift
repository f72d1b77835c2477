import Logging
import ServiceLifecycle
import Synchronization

/// Mail work leaves the request: a route hands it here and answers at once, so that an answer
/// takes the same time whether or not there was an account to write to (an unknown address
/// costs as much as a known one), and a slow mail server never holds a request.
///
/// Work runs in order on one task, from boot until shutdown, which finishes what is queued. The
/// queue holds at most ``capacity`` items; past that new work is dropped and logged (a flood of
/// mail requests is throttled before it gets here, by ``AuthRateLimits``). Queued work does not
/// survive a crash: a user asks again.
final class MailQueue: Service, Sendable {
    typealias Work = @Sendable () async -> Void
    static let capacity = 1_000

    private let stream: AsyncStream<Work>
    private let continuation: AsyncStream<Work>.Continuation
    private let pending = Mutex(0)
    private let logger: Logger

    init(logger: Logger) {
        (stream, continuation) = AsyncStream<Work>.makeStream(bufferingPolicy: .bufferingOldest(Self.capacity))
        self.logger = logger
    }

    func submit(_ work: @escaping Work) {
        pending.withLock { $0 += 1 }
        if case .dropped = continuation.yield(work) {
            pending.withLock { $0 -= 1 }
            logger.error("mail queue is full (\(Self.capacity) waiting): a mail was dropped; the user can ask again")
        }
    }

    func run() async throws {
        let continuation = self.continuation
        await withGracefulShutdownHandler {
            for await work in stream {
                await work()
                pending.withLock { $0 -= 1 }
            }
        } onGracefulShutdown: {
            continuation.finish()
        }
    }

    /// Waits until everything submitted so far is done; for tests that read the mail.
    func settled() async {
        while pending.withLock({ $0 }) > 0 { try? await Task.sleep(for: .milliseconds(5)) }
    }
}
