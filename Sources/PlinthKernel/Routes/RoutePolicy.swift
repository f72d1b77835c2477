import Hummingbird

/// Who may call a route, checked by the kernel before the body is read and the handler runs,
/// and stated in `/openapi.json` (security requirements, 401/403 answers, `x-permission`).
/// In the manner of hummingbird-auth's policies: beside the route, not inside its handler.
///
/// ```swift
/// Route.get("", id: "jobs.list", "List jobs").requires(.permission("jobs.read"))
/// ```
public struct RoutePolicy: Sendable {
    /// How the policy reads in the document's operation description.
    public var summary: String
    /// Whether the caller must present credentials (the security schemes apply; 401 possible).
    public var authenticated: Bool
    /// The permission it needs, if one (`x-permission`).
    public var permission: String?
    /// Whether a signed-in caller may still be refused (403 documented).
    public var forbids: Bool
    /// Whether it reads the tenant from `X-Tenant-ID` (the header is documented).
    public var tenantHeader: Bool
    /// Checks the request and returns the context the handler sees (a policy may narrow it,
    /// e.g. to the tenant named in the path). Throws the 401 or 403 ``Problem``.
    public let check: @Sendable (Request, PlinthRequestContext) async throws -> PlinthRequestContext

    public init(summary: String, authenticated: Bool, permission: String? = nil, forbids: Bool = false, tenantHeader: Bool = false,
                check: @escaping @Sendable (Request, PlinthRequestContext) async throws -> PlinthRequestContext) {
        self.summary = summary
        self.authenticated = authenticated
        self.permission = permission
        self.forbids = forbids
        self.tenantHeader = tenantHeader
        self.check = check
    }

    /// Anyone: sign-in, health, links that carry their own proof (signed URLs).
    public static let `public` = RoutePolicy(summary: "Open to anyone.", authenticated: false) { _, context in context }

    /// Any signed-in caller (user or API key). Without an auth plugin nobody is signed in, so
    /// such routes answer 401.
    public static let signedIn = RoutePolicy(summary: "Needs a signed-in caller.", authenticated: true) { _, context in
        _ = try context.requireIdentity()
        return context
    }

    /// A caller holding `permission` in the tenant of `X-Tenant-ID`
    /// (``PlinthRequestContext/authorize(_:)``): with an auth plugin it must be granted by the
    /// caller's role or key; without one the kernel trusts the gateway in front and lets it pass.
    public static func permission(_ permission: String) -> RoutePolicy {
        RoutePolicy(summary: "Needs the permission `\(permission)` in the tenant of `X-Tenant-ID`.", authenticated: true, permission: permission, forbids: true, tenantHeader: true) { _, context in
            try context.authorize(permission)
            return context
        }
    }
}
