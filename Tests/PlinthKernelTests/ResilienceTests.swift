import Foundation
import PlinthKernel
import PlinthTesting
import Synchronization
import Testing

@Suite struct ResilienceTests {
    struct Boom: Error {}

    final class Calls: Sendable {
        let count = Mutex(0)
        func hit() { count.withLock { $0 += 1 } }
        var value: Int { count.withLock { $0 } }
    }

    @Test func breakerOpensFailsFastProbesOnceAndBacksOff() async throws {
        let clock = ManualClock()
        let breaker = CircuitBreaker(name: "s3", failureThreshold: 3, cooldown: .seconds(1), maximumCooldown: .seconds(3), clock: clock)
        let calls = Calls()
        for _ in 0..<3 { await #expect(throws: Boom.self) { try await breaker.run { calls.hit(); throw Boom() } } }
        #expect(await breaker.state == .open)
        // Open: fails fast, nothing sent.
        await #expect(throws: CircuitOpenError.self) { try await breaker.run { calls.hit() } }
        #expect(calls.value == 3)

        // After the cooldown exactly one probe goes through; a failed probe re-opens with double cooldown.
        clock.advance(by: 1)
        await #expect(throws: Boom.self) { try await breaker.run { calls.hit(); throw Boom() } }
        #expect(calls.value == 4)
        #expect(await breaker.state == .open)
        #expect(await breaker.currentCooldown == .seconds(2))
        clock.advance(by: 1)
        await #expect(throws: CircuitOpenError.self) { try await breaker.run { calls.hit() } }
        clock.advance(by: 1)

        // Half-open: while the probe is in flight, others fail fast.
        let probeStarted = AsyncStream<Void>.makeStream()
        let release = AsyncStream<Void>.makeStream()
        let probe = Task {
            try await breaker.run {
                calls.hit()
                probeStarted.continuation.yield()
                for await _ in release.stream { break }
                return "ok"
            }
        }
        for await _ in probeStarted.stream { break }
        #expect(await breaker.state == .halfOpen)
        await #expect(throws: CircuitOpenError.self) { try await breaker.run { calls.hit() } }
        release.continuation.yield()
        #expect(try await probe.value == "ok")
        #expect(await breaker.state == .closed)
        #expect(calls.value == 5)
        #expect(await breaker.currentCooldown == .seconds(1))
    }

    @Test func cooldownIsCapped() async throws {
        let clock = ManualClock()
        let breaker = CircuitBreaker(name: "x", failureThreshold: 1, cooldown: .seconds(1), maximumCooldown: .seconds(3), clock: clock)
        for step in [1.0, 2, 3, 3] {
            await #expect(throws: Boom.self) { try await breaker.run { throw Boom() } }
            clock.advance(by: step)
        }
        #expect(await breaker.currentCooldown == .seconds(3))
    }

    @Test func retryPolicyFollowsTheSeedSchedule() {
        let policy = RetryPolicy()
        #expect((1...11).map { policy.ceiling(afterAttempt: $0) } == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 600])
        #expect(policy.delay(afterAttempt: 3, random: 0) == 0)
        #expect(policy.delay(afterAttempt: 3, random: 0.5) == 2)
        let half = RetryPolicy(jitter: 0.5)
        #expect(half.delay(afterAttempt: 4, random: 0) == 4)
        #expect(half.delay(afterAttempt: 4, random: 0.999) > 7.9)
        for attempt in 1...20 {
            let d = policy.delay(afterAttempt: attempt)
            #expect(d >= 0 && d <= 600)
        }
    }

    @Test func retryRunsUntilSuccessOnAnInjectedClock() async throws {
        let clock = ManualClock()
        let calls = Calls()
        let policy = RetryPolicy(jitter: 0, maxAttempts: 4)
        let task = Task {
            try await policy.run(clock: clock) { attempt -> Int in
                calls.hit()
                if attempt < 3 { throw Boom() }
                return attempt
            }
        }
        // Waits 1 s after the first failure and 2 s after the second.
        for wait in [1.0, 2.0] {
            while clock.sleeperCount == 0 { await Task.yield() }
            clock.advance(by: wait - 0.001)
            #expect(clock.sleeperCount == 1)
            clock.advance(by: 0.001)
        }
        #expect(try await task.value == 3)
        #expect(calls.value == 3)
    }

    @Test func retryGivesUpAfterMaxAttempts() async throws {
        let calls = Calls()
        let policy = RetryPolicy(base: 0.001, jitter: 0, maxAttempts: 3)
        await #expect(throws: Boom.self) { try await policy.run { _ -> Int in calls.hit(); throw Boom() } }
        #expect(calls.value == 3)
    }
}
