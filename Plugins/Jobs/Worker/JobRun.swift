import Foundation
import Synchronization

/// One claimed job while this worker runs it. Its outcome is settled once: by the handler
/// returning or throwing, or by the timeout watchdog, whichever comes first; the loser's
/// result is dropped.
final class JobRun: Sendable {
    let job: ClaimedJob
    let handler: JobHandler
    /// When the handler started, on the kernel's clock (for run-duration metrics).
    let started: Date
    /// When the watchdog fails it, in real time.
    let deadline: ContinuousClock.Instant
    private let settled = Atomic<Bool>(false)

    init(job: ClaimedJob, handler: JobHandler, started: Date) {
        self.job = job
        self.handler = handler
        self.started = started
        self.deadline = .now + .milliseconds(Int64(handler.timeout * 1000))
    }

    /// True for the first caller only.
    func settle() -> Bool {
        settled.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
    }
}
