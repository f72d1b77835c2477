import HTTPTypes
import Hummingbird
import Logging

/// Per-request state every route sees: request id, the plugin that owns the route, the
/// tenant, the session, and a type-keyed bag for values plugins add (e.g. the identity).
public struct PlinthRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The `x-request-id` of this request (the client's if well-formed, otherwise generated).
    public var requestID: String = ""
    /// Id of the plugin whose route is handling the request; `kernel` for `/health` and friends.
    public var pluginID: String = "kernel"
    /// The tenant the request resolved to, if any (kernel default: the `X-Tenant-ID` header;
    /// an auth plugin replaces this with the tenant of the verified identity).
    public var tenantID: String?
    /// The tenant the `x-tenant-id` header asks for, unverified. Without a
    /// ``RequestAuthenticator`` the kernel trusts it as ``tenantID``; with one, the
    /// authenticator decides.
    public var requestedTenantID: String?
    /// Whether a ``RequestAuthenticator`` is installed (an auth plugin is enabled); see ``authorize(_:)``.
    public var authenticating: Bool { authenticator != nil }
    /// The installed authenticator, for ``credentialsStillHold()``.
    var authenticator: (any RequestAuthenticator)?
    /// The caller, once a ``RequestAuthenticator`` established it. See ``requireIdentity()``.
    public var identity: PlinthIdentity?
    /// Why presented credentials were not accepted; ``requireIdentity()`` throws it.
    public var authenticationProblem: Problem?
    /// The request's session; see ``SessionHandle``.
    public var session: SessionHandle
    /// Largest body a handler may collect; `PLINTH_MAX_BODY_SIZE` (default 10 MiB).
    public var maxUploadSize: Int = 10 << 20
    /// The setting that sets ``maxUploadSize`` for this route, named in 413 responses.
    public var maxUploadSetting: String = "PLINTH_MAX_BODY_SIZE"
    /// Headers the kernel adds to the response, for middleware that runs before the route
    /// (a ``RequestAuthenticator``'s rate-limit headers).
    public var responseHeaders = HTTPFields()
    /// The client's IP address: the connection's peer, or with `PLINTH_TRUSTED_PROXY_HOPS` set
    /// the address that many proxies back in `X-Forwarded-For`. `nil` when unknown (a request
    /// that came through no socket, as in in-process tests).
    public var clientAddress: String?
    /// Values plugins attach to the request, keyed by type.
    public var values = RequestValues()
    /// Bodies decode as JSON only when sent as JSON; see ``JSONBodyDecoder``.
    public var requestDecoder: JSONBodyDecoder { JSONBodyDecoder() }

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.clientAddress = source.channel.remoteAddress?.ipAddress
        self.session = SessionHandle(id: nil, record: nil)
    }
}

/// A type-keyed bag of request values. Plugins that cannot share Swift generics (shared
/// objects) use the kernel's own keys.
public struct RequestValues: Sendable {
    private var storage: [ObjectIdentifier: any Sendable] = [:]
    public init() {}
    public subscript<T: Sendable>(_ type: T.Type) -> T? {
        get { storage[ObjectIdentifier(type)] as? T }
        set { storage[ObjectIdentifier(type)] = newValue }
    }
}
