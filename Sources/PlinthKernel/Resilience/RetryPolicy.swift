import Foundation

/// Exponential backoff with full jitter.
///
/// The ceiling for attempt n (1-based) is `min(cap, base × factor^(n-1))`; the delay is drawn
/// uniformly from `[ceiling × (1 - jitter), ceiling]`. Defaults follow the seed: base 1 s,
/// factor 2, cap 10 min, jitter 1 (full).
///
/// ```swift
/// let policy = RetryPolicy(maxAttempts: 5)
/// let body = try await policy.run(clock: clock) { try await fetch() }
/// ```
public struct RetryPolicy: Sendable {
    public var base: Double
    public var factor: Double
    public var cap: Double
    /// Fraction of the ceiling that is randomised: 0 = none, 1 = full jitter.
    public var jitter: Double
    /// Attempts in all, counting the first. Default 5.
    public var maxAttempts: Int

    public init(base: Double = 1, factor: Double = 2, cap: Double = 600, jitter: Double = 1, maxAttempts: Int = 5) {
        self.base = base
        self.factor = factor
        self.cap = cap
        self.jitter = min(1, max(0, jitter))
        self.maxAttempts = max(1, maxAttempts)
    }

    /// The largest delay after failed attempt `attempt` (1-based), before jitter.
    public func ceiling(afterAttempt attempt: Int) -> Double {
        min(cap, base * pow(factor, Double(max(0, attempt - 1))))
    }

    /// The delay after failed attempt `attempt`, with `random` in `0..<1` supplying the jitter.
    public func delay(afterAttempt attempt: Int, random: Double = Double.random(in: 0..<1)) -> Double {
        let ceiling = ceiling(afterAttempt: attempt)
        return ceiling * (1 - jitter) + ceiling * jitter * random
    }

    /// Runs `operation` until it succeeds, `shouldRetry` says no, or attempts run out.
    public func run<T: Sendable>(
        clock: any KernelClock = SystemClock(),
        shouldRetry: @Sendable (any Error) -> Bool = { _ in true },
        _ operation: @Sendable (_ attempt: Int) async throws -> T
    ) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await operation(attempt)
            } catch {
                guard attempt < maxAttempts, shouldRetry(error), !(error is CancellationError) else { throw error }
                try await clock.sleep(for: .milliseconds(Int(delay(afterAttempt: attempt) * 1000)))
                attempt += 1
            }
        }
    }
}
