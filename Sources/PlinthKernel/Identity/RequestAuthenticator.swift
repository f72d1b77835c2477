import Hummingbird

/// Turns a request's credentials into a ``PlinthIdentity``. One plugin (the auth plugin)
/// provides it as `(any RequestAuthenticator).self` in step 5; the kernel then runs it for every
/// request after the session cookie is loaded and before the route.
///
/// While one is installed the kernel no longer trusts `x-tenant-id` by itself: the header lands
/// in ``PlinthRequestContext/requestedTenantID`` and the authenticator decides whether
/// ``PlinthRequestContext/tenantID`` may be set from it.
public protocol RequestAuthenticator: Sendable {
    /// Sets `context.identity` and `context.tenantID` when the credentials hold. Credentials
    /// that do not hold should be recorded in `context.authenticationProblem` rather than thrown,
    /// so that public routes still answer; throw only to refuse the request outright (a
    /// malformed credential, a rate limit).
    func authenticate(_ request: Request, context: inout PlinthRequestContext) async throws

    /// Whether `identity`, established earlier, still holds now: not signed out, its key not
    /// revoked, still a member of its tenant. Long-lived responses (event streams) ask it while
    /// they run. Default: always.
    func stillHolds(_ identity: PlinthIdentity) async -> Bool
}

extension RequestAuthenticator {
    public func stillHolds(_ identity: PlinthIdentity) async -> Bool { true }
}
