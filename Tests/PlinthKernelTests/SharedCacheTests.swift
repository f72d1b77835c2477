import Foundation
import Logging
@testable import PlinthKernel
import PlinthTesting
import Synchronization
import Testing

/// ``SharedCache`` on its own: expiry, tags, the race with an invalidation, and what it does while
/// its instance cannot hear invalidations.
@Suite struct SharedCacheTests {
    final class Coherence: Sendable {
        let up = Mutex(true)
        var isUp: Bool { up.withLock { $0 } }
    }

    func cache(_ clock: ManualClock, _ coherence: Coherence = Coherence(), ttl: Double = 10, capacity: Int = 100) -> SharedCache<String> {
        SharedCache<String>(name: "test", timeToLive: ttl, capacity: capacity, clock: clock, coherent: { coherence.isUp })
    }

    final class Loads: Sendable {
        let count = Mutex(0)
        var value: Int { count.withLock { $0 } }
        func load(_ value: String?, tags: [String] = [], until: Double? = nil) -> SharedCache<String>.Load? {
            count.withLock { $0 += 1 }
            return value.map { .init($0, tags: tags, until: until) }
        }
    }

    @Test func aValueIsServedUntilItsTimeToLiveOrItsOwnExpiry() async throws {
        let clock = ManualClock()
        let cache = cache(clock)
        let loads = Loads()
        #expect(try await cache.value(for: "a") { loads.load("1") } == "1")
        #expect(try await cache.value(for: "a") { loads.load("2") } == "1")
        #expect(loads.value == 1)
        clock.advance(by: 10)
        #expect(try await cache.value(for: "a") { loads.load("3") } == "3")
        let soon = clock.now.timeIntervalSince1970 + 2
        #expect(try await cache.value(for: "b") { loads.load("x", until: soon) } == "x")
        clock.advance(by: 2)
        #expect(try await cache.value(for: "b") { loads.load("y", until: soon + 60) } == "y")
    }

    @Test func absenceIsNeverCached() async throws {
        let cache = cache(ManualClock())
        let loads = Loads()
        #expect(try await cache.value(for: "a") { loads.load(nil) } == nil)
        #expect(try await cache.value(for: "a") { loads.load("now") } == "now")
        #expect(loads.value == 2)
    }

    @Test func droppingATagDropsEveryEntryCarryingIt() async throws {
        let cache = cache(ManualClock())
        let loads = Loads()
        _ = try await cache.value(for: "a") { loads.load("a", tags: ["user:1", "tenant:9"]) }
        _ = try await cache.value(for: "b") { loads.load("b", tags: ["user:2", "tenant:9"]) }
        _ = try await cache.value(for: "c") { loads.load("c", tags: ["user:3"]) }
        cache.drop(tags: ["tenant:9"])
        #expect(cache.statistics.entries == 1)
        #expect(try await cache.value(for: "c") { loads.load("new") } == "c")
        #expect(try await cache.value(for: "a") { loads.load("a2") } == "a2")
    }

    @Test func aLoadThatRacedAnInvalidationIsNotKept() async throws {
        let cache = cache(ManualClock())
        // The row is read (still live), then the revocation lands before the value is stored.
        let first = try await cache.value(for: "a") {
            cache.drop(tags: ["user:1"])
            return .init("stale", tags: ["user:1"])
        }
        #expect(first == "stale")
        #expect(try await cache.value(for: "a") { .init("fresh", tags: ["user:1"]) } == "fresh")
    }

    @Test func nothingIsServedOrKeptWhileInvalidationsCannotArrive() async throws {
        let coherence = Coherence()
        let cache = cache(ManualClock(), coherence)
        let loads = Loads()
        _ = try await cache.value(for: "a") { loads.load("old") }
        coherence.up.withLock { $0 = false }
        #expect(try await cache.value(for: "a") { loads.load("db") } == "db")
        #expect(try await cache.value(for: "b") { loads.load("db") } == "db")
        #expect(cache.statistics.entries == 1)
        #expect(loads.value == 3)
    }

    @Test func aFullCacheStartsOver() async throws {
        let cache = cache(ManualClock(), capacity: 2)
        for key in ["a", "b", "c"] { _ = try await cache.value(for: key) { .init(key, tags: []) } }
        #expect(cache.statistics.entries == 1)
    }

    /// Through a kernel: an invalidation returns once it has come back through the listener, and
    /// every cache of the instance dropped the tag.
    @Test(arguments: TestBackend.all)
    func anInvalidationReachesTheCachesOfEveryKernelOnTheDatabase(backend: TestBackend) async throws {
        let schema = backend.isPostgres ? "t_cache_" + UUID().uuidString.prefix(8).lowercased() : nil
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let env = ["PLINTH_DATA_DIR": folder]
        try await TestKernel.run(plugins: [], backend: backend, environment: env, schema: schema) { a in
            try await TestKernel.run(plugins: [], backend: backend, environment: env, schema: schema) { b in
                let onA: SharedCache<String> = a.events.caches.make("test.a")
                let onB: SharedCache<String> = b.events.caches.make("test.b")
                _ = try await onA.value(for: "k") { .init("a", tags: ["t"]) }
                _ = try await onB.value(for: "k") { .init("b", tags: ["t"]) }
                #expect(onA.statistics.entries == 1 && onB.statistics.entries == 1)
                try await a.events.caches.invalidate(tags: ["t"])
                #expect(onA.statistics.entries == 0)
                // B heard it by the time A's call returned (both listen on the same server / notifier).
                try await Task.sleep(for: .milliseconds(50))
                #expect(onB.statistics.entries == 0)
            }
            if let schema { try await a.database.sql.raw("DROP SCHEMA \(ident: schema) CASCADE").run() }
        }
    }
}
