import Foundation
import JWTKit

/// The claims of a Plinth access token (RFC 9068 shape): pinned `iss` and `aud`, the user as
/// `sub`, the sign-in as `sid`, and `iat`/`nbf`/`exp`. The header carries `typ: at+jwt`.
struct AccessClaims: JWTPayload {
    var iss: IssuerClaim
    var aud: AudienceClaim
    var sub: SubjectClaim
    var sid: String
    var jti: IDClaim
    var iat: IssuedAtClaim
    var nbf: NotBeforeClaim
    var exp: ExpirationClaim

    /// Times, issuer and audience are checked by ``AccessTokens`` against the kernel's clock and
    /// the configuration, so that tests can move time.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
