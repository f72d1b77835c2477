/// A user as another identity provider vouches for them (an OIDC id_token's claims, a GitHub
/// profile), handed to ``AuthService/signIn(external:mode:request:context:)``.
public struct ExternalIdentity: Sendable, Hashable {
    /// The provider's issuer, e.g. `https://accounts.google.com`. With ``subject`` the only key
    /// an account is found by.
    public var issuer: String
    /// The provider's stable id for the user (`sub`).
    public var subject: String
    public var email: String?
    /// Whether the provider verified ``email``. Only a verified email may link the identity to an
    /// existing account that has that email.
    public var emailVerified: Bool
    public var name: String?

    public init(issuer: String, subject: String, email: String? = nil, emailVerified: Bool = false, name: String? = nil) {
        self.issuer = issuer
        self.subject = subject
        self.email = email
        self.emailVerified = emailVerified
        self.name = name
    }
}
