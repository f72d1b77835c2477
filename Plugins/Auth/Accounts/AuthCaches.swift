import PlinthKernel

/// What the signed-in path reads on every request, cached per instance and dropped on every
/// instance when it changes (see ``SharedCaches``): live sign-ins and keys, key holders, tenant
/// roles and a user's memberships. Only what grants access is cached — a refusal always reads the
/// database again — and each store that revokes, disables or changes a membership invalidates the
/// tags it touched, so a sign-out on one instance is refused by the next request on any other.
struct AuthCaches: Sendable {
    let shared: SharedCaches
    /// `family|user` → live; until the family expires.
    let signIns: SharedCache<Bool>
    /// `key id|user` → live; until the key expires.
    let keys: SharedCache<Bool>
    /// SHA-256 of a presented key → its holder; until the key expires.
    let holders: SharedCache<APIKeys.Holder>
    /// `user|tenant` → role.
    let roles: SharedCache<String>
    /// user → memberships.
    let memberships: SharedCache<[Tenants.Membership]>

    /// Seconds an entry lives without an invalidation; bounds staleness after a change made
    /// outside the plugin (an edit in `psql`).
    static let timeToLive = 10.0

    init(_ shared: SharedCaches) {
        self.shared = shared
        signIns = shared.make("auth.sign_ins", timeToLive: Self.timeToLive)
        keys = shared.make("auth.api_keys", timeToLive: Self.timeToLive)
        holders = shared.make("auth.api_key_holders", timeToLive: Self.timeToLive)
        roles = shared.make("auth.roles", timeToLive: Self.timeToLive)
        memberships = shared.make("auth.memberships", timeToLive: Self.timeToLive)
    }

    static func user(_ id: String) -> String { "auth.user:\(id)" }
    static func family(_ id: String) -> String { "auth.family:\(id)" }
    static func key(_ id: String) -> String { "auth.key:\(id)" }
    static func tenant(_ id: String) -> String { "auth.tenant:\(id)" }

    func invalidate(_ tags: String...) async throws {
        try await shared.invalidate(tags: tags)
    }
}
