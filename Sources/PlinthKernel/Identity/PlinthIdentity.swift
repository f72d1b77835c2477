/// Who is making a request, as established by the ``RequestAuthenticator`` a plugin installs
/// (the auth plugin). Kernel-owned so that every plugin, compiled in or shared object, reads
/// the same shape without depending on the plugin that filled it in.
public struct PlinthIdentity: Sendable, Hashable, Codable {
    /// How the caller proved who it is.
    public enum Method: String, Sendable, Hashable, Codable {
        /// `Authorization: Bearer <access token>`.
        case bearer
        /// The kernel's session cookie.
        case session
        /// An API key in the `X-API-Key` header.
        case apiKey = "api_key"
    }

    /// The user's id.
    public var subject: String
    public var method: Method
    /// The tenant the caller acts in, verified against its membership (or the API key's tenant).
    public var tenantID: String?
    /// The caller's role in ``tenantID`` (`owner`, `admin`, `member`).
    public var role: String?
    /// Permissions the role grants in ``tenantID``, from the ``PermissionCatalog``.
    public var permissions: Set<String>
    /// What an API key is limited to; `nil` for user credentials, which are not scoped.
    public var scopes: Set<String>?
    /// The sign-in this request belongs to (a refresh-token family or a browser session), so
    /// that a user can tell which of their sessions is the current one.
    public var signInID: String?
    /// The one tenant this credential may act in (an API key made for a tenant), or `nil` when
    /// it may act in every tenant its user belongs to. Binding holds wherever a request names a
    /// tenant: a route that takes one from its path or body checks ``mayActIn(_:)``.
    public var boundTenantID: String?

    public init(subject: String, method: Method, tenantID: String? = nil, role: String? = nil, permissions: Set<String> = [], scopes: Set<String>? = nil, signInID: String? = nil, boundTenantID: String? = nil) {
        self.subject = subject
        self.method = method
        self.tenantID = tenantID
        self.role = role
        self.permissions = permissions
        self.scopes = scopes
        self.signInID = signInID
        self.boundTenantID = boundTenantID
    }

    /// Whether the credential may act in `tenant` (see ``boundTenantID``); membership is checked
    /// apart from this.
    public func mayActIn(_ tenant: String) -> Bool {
        boundTenantID == nil || boundTenantID == tenant
    }

    /// Whether the identity holds `permission` in its tenant; an API key must also carry it as a
    /// scope (or the scope `*`).
    public func has(_ permission: String) -> Bool {
        guard permissions.contains(permission) else { return false }
        guard let scopes else { return true }
        return scopes.contains(permission) || scopes.contains("*")
    }
}
