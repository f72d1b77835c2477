extension PlinthRequestContext {
    /// The caller's identity.
    /// - Throws: a 401 ``Problem``: the authenticator's own (expired token, revoked key) when it
    ///   rejected the credentials, otherwise `unauthenticated`.
    public func requireIdentity() throws -> PlinthIdentity {
        if let identity { return identity }
        throw authenticationProblem ?? Problem(
            .unauthorized, type: "unauthenticated",
            detail: "sign in first: send 'Authorization: Bearer <access token>', an 'X-API-Key' header or the session cookie",
            headers: [.wwwAuthenticate: "Bearer"]
        )
    }

    /// Whether the caller's credentials still hold (see ``RequestAuthenticator/stillHolds(_:)``):
    /// for a response that outlives its request's check, such as an event stream, which should
    /// end once this turns false. Without an authenticator, or for an anonymous caller, true.
    public func credentialsStillHold() async -> Bool {
        guard let authenticator, let identity else { return true }
        return await authenticator.stillHolds(identity)
    }

    /// For plugins that work with or without an auth plugin: when one is installed the caller
    /// must hold `permission` (as ``requirePermission(_:)``); without one the kernel trusts its
    /// caller, a gateway in front that sets `X-Tenant-ID`, and this passes.
    public func authorize(_ permission: String) throws {
        if authenticating { try requirePermission(permission) }
    }

    /// The caller's identity, which must hold `permission` in its tenant.
    /// - Throws: 401 as ``requireIdentity()``; 403 `tenant-required` when no tenant was chosen
    ///   (`X-Tenant-ID`), 403 `forbidden` naming the permission when the role or key lacks it.
    @discardableResult
    public func requirePermission(_ permission: String) throws -> PlinthIdentity {
        let identity = try requireIdentity()
        guard identity.tenantID != nil else {
            throw Problem(.forbidden, type: "tenant-required", detail: "'\(permission)' is granted within a tenant: send X-Tenant-ID with a tenant you belong to")
        }
        guard identity.has(permission) else {
            throw Problem(.forbidden, detail: "this needs the permission '\(permission)', which your \(identity.scopes == nil ? "role" : "API key") does not have", extensions: ["permission": permission])
        }
        return identity
    }
}
