import Foundation
import Synchronization

/// Stops calling a failing dependency, then lets one probe through after a cooldown.
///
/// - closed: calls pass; `failureThreshold` consecutive failures open the breaker.
/// - open: calls fail at once with ``CircuitOpenError`` (nothing is sent) until the cooldown
///   has passed. The cooldown doubles each time the breaker re-opens, from `cooldown` up to
///   `maximumCooldown`.
/// - half-open: exactly one call is let through as a probe; success closes the breaker and
///   resets the cooldown, failure opens it again. Other calls meanwhile fail fast.
///
/// ```swift
/// let breaker = CircuitBreaker(name: "s3", failureThreshold: 5, cooldown: .seconds(1))
/// let object = try await breaker.run { try await s3.get(key) }
/// ```
public actor CircuitBreaker {
    public enum State: String, Sendable { case closed, open, halfOpen = "half-open" }

    public nonisolated let name: String
    let failureThreshold: Int
    let cooldown: Duration
    let maximumCooldown: Duration
    let clock: any KernelClock
    let isFailure: @Sendable (any Error) -> Bool

    public private(set) var state: State = .closed {
        didSet { updateQuiet() }
    }
    private var consecutiveFailures = 0 {
        didSet { updateQuiet() }
    }
    /// Mirrors "closed, no failure counted", readable without entering the actor.
    private nonisolated let quiet = Atomic<Bool>(true)
    private var opens = 0
    private var openedAt = Date.distantPast
    private var probeInFlight = false

    /// - Parameters:
    ///   - failureThreshold: consecutive failures that open the breaker. Default 5.
    ///   - cooldown: first wait before a probe. Default 1 s.
    ///   - maximumCooldown: cap of the doubling cooldown. Default 60 s.
    ///   - isFailure: which errors count; default all.
    public init(
        name: String,
        failureThreshold: Int = 5,
        cooldown: Duration = .seconds(1),
        maximumCooldown: Duration = .seconds(60),
        clock: any KernelClock = SystemClock(),
        isFailure: @escaping @Sendable (any Error) -> Bool = { _ in true }
    ) {
        self.name = name
        self.failureThreshold = max(1, failureThreshold)
        self.cooldown = cooldown
        self.maximumCooldown = maximumCooldown
        self.clock = clock
        self.isFailure = isFailure
    }

    /// The wait before the next probe while open.
    public var currentCooldown: Duration {
        let factor = pow(2.0, Double(max(0, opens - 1)))
        return min(cooldown * factor, maximumCooldown)
    }

    /// Whether a call made now would be let through: closed, open with its cooldown over (the
    /// call would be the probe), or half-open with no probe running. For callers that pick
    /// work by it, such as a job worker choosing which job types to claim.
    public var acceptsCalls: Bool {
        switch state {
        case .closed:
            return true
        case .open:
            let wait = currentCooldown
            return clock.now.timeIntervalSince(openedAt) >= Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18
        case .halfOpen:
            return !probeInFlight
        }
    }

    /// Runs `operation` unless the breaker is open.
    /// - Throws: ``CircuitOpenError`` without calling `operation` while open, or the operation's error.
    public func run<T: Sendable>(_ operation: @Sendable () async throws -> T) async throws -> T {
        try admit()
        do {
            let value = try await operation()
            succeeded()
            return value
        } catch {
            failed(error)
            throw error
        }
    }

    /// True while closed with no failure counted: ``enter()`` would admit the call and a
    /// successful ``record(_:)`` would change nothing, so a hot path (a job worker's every job)
    /// may skip both without a hop onto the actor. Only a failure needs recording then.
    public nonisolated var isQuiet: Bool { quiet.load(ordering: .acquiring) }

    private func updateQuiet() {
        quiet.store(state == .closed && consecutiveFailures == 0, ordering: .releasing)
    }

    /// Admits one call whose outcome is decided elsewhere than in a closure (say, by a timeout
    /// enforced from outside); report it with ``record(_:)``. Same rules as ``run(_:)``.
    /// - Throws: ``CircuitOpenError`` while open.
    public func enter() throws { try admit() }

    /// Reports how a call admitted with ``enter()`` ended: nil for success, else its error
    /// (which counts only if `isFailure` says so).
    public func record(_ error: (any Error)?) {
        if let error { failed(error) } else { succeeded() }
    }

    private func admit() throws {
        switch state {
        case .closed:
            return
        case .open:
            let elapsed = clock.now.timeIntervalSince(openedAt)
            let wait = currentCooldown
            let waitSeconds = Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18
            guard elapsed >= waitSeconds else { throw CircuitOpenError(name: name, retryAfter: waitSeconds - elapsed) }
            state = .halfOpen
            probeInFlight = true
        case .halfOpen:
            guard !probeInFlight else { throw CircuitOpenError(name: name, retryAfter: 0) }
            probeInFlight = true
        }
    }

    private func succeeded() {
        state = .closed
        consecutiveFailures = 0
        opens = 0
        probeInFlight = false
    }

    private func failed(_ error: any Error) {
        guard isFailure(error) else {
            if state == .halfOpen { succeeded() }
            return
        }
        probeInFlight = false
        consecutiveFailures += 1
        if state == .halfOpen || consecutiveFailures >= failureThreshold {
            state = .open
            opens += 1
            openedAt = clock.now
        }
    }
}

/// A call refused because the breaker is open; nothing was sent.
public struct CircuitOpenError: Error, CustomStringConvertible, Sendable {
    public let name: String
    /// Seconds until a probe will be let through.
    public let retryAfter: Double
    public var description: String { "circuit '\(name)' is open; retry in \(String(format: "%.1f", retryAfter)) s" }
}
