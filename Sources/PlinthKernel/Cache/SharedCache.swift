import Foundation
import Synchronization

/// A short-lived, per-instance cache of values read from the database, kept coherent across
/// instances by tag invalidation through the event bus (see ``SharedCaches``).
///
/// Entries carry tags (`user:42`, `tenant:7`); ``SharedCaches/invalidate(tags:)`` drops every
/// entry with one of the tags on every instance. The cache answers only while the instance's
/// event listener is connected — an invalidation missed during a lost connection can never be
/// served from here — and starts empty after every reconnect. Each entry lives at most the
/// cache's time to live (and no longer than the expiry its loader gives), which bounds how stale a
/// value can be when a row changes without an invalidation (a hand edit in `psql`).
///
/// See <doc:Caches> for an example.
public final class SharedCache<Value: Sendable>: Sendable {
    /// What a loader hands back to be cached.
    public struct Load: Sendable {
        public let value: Value
        public let tags: [String]
        /// Seconds since 1970 after which the entry is dropped even within its time to live
        /// (the expiry of the sign-in or key it describes). `nil`: the time to live alone.
        public let until: Double?

        public init(_ value: Value, tags: [String], until: Double? = nil) {
            self.value = value
            self.tags = tags
            self.until = until
        }
    }

    struct Entry {
        let value: Value
        let tags: [String]
        let expires: Double
    }

    struct State {
        var entries: [String: Entry] = [:]
        var byTag: [String: Set<String>] = [:]
        /// Bumped by every invalidation: a load that started before one is not stored, so a
        /// value read just before a revocation committed cannot outlive it.
        var generation: UInt64 = 0
        var hits = 0
        var misses = 0
    }

    /// Names the cache in metrics (`plugin.what`).
    public let name: String
    /// Seconds an entry is served.
    public let timeToLive: Double
    /// Most entries held; past it the cache starts over (default 100,000).
    public let capacity: Int
    let clock: any KernelClock
    let coherent: @Sendable () -> Bool
    let state = Mutex(State())

    init(name: String, timeToLive: Double, capacity: Int, clock: any KernelClock, coherent: @escaping @Sendable () -> Bool) {
        self.name = name
        self.timeToLive = timeToLive
        self.capacity = capacity
        self.clock = clock
        self.coherent = coherent
    }

    /// The cached value for `key`, or what `load` returns (stored when it is not `nil`).
    ///
    /// `load` runs without a lock: two requests may both load a missing key; the later store wins.
    public func value(for key: String, load: () async throws -> Load?) async throws -> Value? {
        guard coherent() else { return try await load()?.value }
        let now = clock.now.timeIntervalSince1970
        let (cached, generation) = state.withLock { state -> (Value?, UInt64) in
            if let entry = state.entries[key], entry.expires > now {
                state.hits += 1
                return (entry.value, state.generation)
            }
            state.misses += 1
            return (nil, state.generation)
        }
        if let cached { return cached }
        guard let loaded = try await load() else { return nil }
        store(key, loaded, ifGeneration: generation, now: now)
        return loaded.value
    }

    func store(_ key: String, _ loaded: Load, ifGeneration generation: UInt64, now: Double) {
        let expires = min(now + timeToLive, loaded.until ?? .infinity)
        guard expires > now, coherent() else { return }
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.entries.count >= capacity, state.entries[key] == nil { state.entries = [:]; state.byTag = [:] }
            if let old = state.entries[key] { Self.unindex(key, tags: old.tags, in: &state) }
            state.entries[key] = Entry(value: loaded.value, tags: loaded.tags, expires: expires)
            for tag in loaded.tags { state.byTag[tag, default: []].insert(key) }
        }
    }

    /// Drops the entries carrying any of `tags` in this instance only; ``SharedCaches/invalidate(tags:)``
    /// does it everywhere.
    func drop(tags: [String]) {
        state.withLock { state in
            state.generation &+= 1
            for tag in tags {
                guard let keys = state.byTag.removeValue(forKey: tag) else { continue }
                for key in keys {
                    if let entry = state.entries.removeValue(forKey: key) { Self.unindex(key, tags: entry.tags, in: &state) }
                }
            }
        }
    }

    func dropAll() {
        state.withLock { state in
            state.generation &+= 1
            state.entries = [:]
            state.byTag = [:]
        }
    }

    /// Entries held, and lookups answered from the cache and from the loader since start.
    public var statistics: (entries: Int, hits: Int, misses: Int) {
        state.withLock { ($0.entries.count, $0.hits, $0.misses) }
    }

    private static func unindex(_ key: String, tags: [String], in state: inout State) {
        for tag in tags {
            state.byTag[tag]?.remove(key)
            if state.byTag[tag]?.isEmpty == true { state.byTag[tag] = nil }
        }
    }
}

/// The type-erased face of a ``SharedCache`` the registry invalidates.
protocol InvalidatableCache: AnyObject, Sendable {
    func drop(tags: [String])
    func dropAll()
}

extension SharedCache: InvalidatableCache {}
