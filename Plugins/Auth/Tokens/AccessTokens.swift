import Crypto
import Foundation
import JWTKit
import PlinthKernel
import Synchronization

/// Signs and verifies access tokens: HS256 under `JWT_SECRET`, nothing else.
///
/// Verification pins everything an attacker could choose (RFC 8725): the header must say
/// `alg: HS256`, `typ: at+jwt` and our `kid`, and must not ask for keys by URL (`jku`, `x5u`,
/// `jwk`, `x5c` are refused, never fetched); then the signature, `iss`, `aud`, `exp` and `nbf`.
/// Any failure is a 401 with the reason in `detail`, never a 500.
struct AccessTokens: Sendable {
    static let kid = "plinth-access-1"
    static let type = "at+jwt"
    /// Tokens longer than this are refused before parsing.
    static let maxLength = 4096

    let keys: JWTKeyCollection
    /// The HS256 key for verification, read without the key collection's actor hop.
    let verifier = Verifier()
    let issuer: String
    let audience: String
    let lifetime: Double
    let clock: any KernelClock

    /// Tokens with no key yet: ``install(secret:)`` adds it in boot; until then every token is refused.
    init(issuer: String, audience: String, lifetime: Double, clock: any KernelClock) {
        keys = JWTKeyCollection()
        self.issuer = issuer
        self.audience = audience
        self.lifetime = lifetime
        self.clock = clock
    }

    /// Signs and verifies with the HS256 `secret` from now on.
    func install(secret: String) async {
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256, kid: JWKIdentifier(string: Self.kid))
        verifier.install(SymmetricKey(data: Data(secret.utf8)))
    }

    /// A token for `user` in sign-in `signIn`, and its lifetime in seconds.
    func issue(user: String, signIn: String) async throws -> (token: String, expiresIn: Int) {
        // NumericDate in whole seconds: some verifiers reject fractions.
        let now = Date(timeIntervalSince1970: clock.now.timeIntervalSince1970.rounded(.down))
        let claims = AccessClaims(
            iss: .init(value: issuer), aud: .init(value: [audience]), sub: .init(value: user), sid: signIn,
            jti: .init(value: UUID().uuidString), iat: .init(value: now), nbf: .init(value: now),
            exp: .init(value: now.addingTimeInterval(lifetime))
        )
        var header = JWTHeader()
        header.typ = Self.type
        header.kid = Self.kid
        header.alg = "HS256"
        return (try await keys.sign(claims, kid: JWKIdentifier(string: Self.kid), header: header), Int(lifetime))
    }

    /// The claims of a valid access token.
    /// - Throws: a 401 ``Problem`` of type `invalid-token` saying what is wrong.
    func verify(_ token: String) async throws -> AccessClaims {
        guard token.utf8.count <= Self.maxLength else { throw Self.invalid("the token is too long") }
        // A client presents the same token until it expires: the checks below, which depend on
        // the token's bytes alone, run once per token; times are checked on every request.
        let claims = try verifier.claims(of: token) ?? checked(token)
        let now = clock.now
        guard claims.exp.value > now else { throw Self.invalid("the token has expired; refresh it", type: "token-expired") }
        guard claims.nbf.value <= now.addingTimeInterval(5) else { throw Self.invalid("the token is not valid yet") }
        verifier.remember(token, claims)
        return claims
    }

    private func checked(_ token: String) throws -> AccessClaims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[2].isEmpty else { throw Self.invalid("the token is not a signed JWT") }
        // One encoding per token: no padding, no stray characters, unused bits zero. Otherwise
        // one signature would have several spellings, and a revoked or logged token could be
        // replayed in another.
        guard parts.allSatisfy(Self.isCanonicalBase64URL) else { throw Self.invalid("the token is not in canonical base64url") }
        guard let headerData = Self.base64URLDecode(parts[0]),
              let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any] else {
            throw Self.invalid("the token's header is not JSON")
        }
        guard header["alg"] as? String == "HS256" else { throw Self.invalid("the token's algorithm is not accepted") }
        guard (header["typ"] as? String)?.lowercased() == Self.type else { throw Self.invalid("the token is not an access token (typ must be at+jwt)") }
        guard header["kid"] as? String == Self.kid else { throw Self.invalid("the token's key id is unknown") }
        for field in ["jku", "x5u", "jwk", "x5c", "crit"] where header[field] != nil {
            throw Self.invalid("the token's header may not carry '\(field)'")
        }
        guard let key = verifier.key, let signature = Self.base64URLDecode(parts[2]),
              HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: Data(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count)), using: key),
              let payload = Self.base64URLDecode(parts[1]) else {
            throw Self.invalid("the token's signature or claims are invalid")
        }
        let claims: AccessClaims
        let decoder = JSONDecoder()
        // NumericDate claims are seconds since 1970 (RFC 7519 §2).
        decoder.dateDecodingStrategy = .secondsSince1970
        do { claims = try decoder.decode(AccessClaims.self, from: payload) } catch {
            throw Self.invalid("the token's signature or claims are invalid")
        }
        guard claims.iss.value == issuer else { throw Self.invalid("the token was issued by someone else") }
        guard claims.aud.value.contains(audience), claims.aud.value.allSatisfy({ $0 == audience }) else {
            throw Self.invalid("the token is meant for another audience")
        }
        return claims
    }

    /// The verification key and the tokens it has already verified.
    final class Verifier: Sendable {
        private let state = Mutex<(key: SymmetricKey?, verified: [String: AccessClaims])>((nil, [:]))
        /// Tokens remembered at most; past it the memory starts over.
        static let capacity = 10_000

        var key: SymmetricKey? { state.withLock { $0.key } }

        func install(_ key: SymmetricKey) {
            state.withLock { $0 = (key, [:]) }
        }

        func claims(of token: String) -> AccessClaims? {
            state.withLock { $0.verified[token] }
        }

        func remember(_ token: String, _ claims: AccessClaims) {
            state.withLock { state in
                guard state.verified[token] == nil else { return }
                if state.verified.count >= Self.capacity { state.verified = [:] }
                state.verified[token] = claims
            }
        }
    }

    static func invalid(_ detail: String, type: String = "invalid-token") -> Problem {
        Problem(.unauthorized, type: type, detail: detail, headers: [.wwwAuthenticate: "Bearer error=\"invalid_token\""])
    }

    /// Whether `part` is exactly what encoding its bytes gives back (RFC 7515 §2, RFC 4648 §3.5).
    static func isCanonicalBase64URL(_ part: Substring) -> Bool {
        guard let data = base64URLDecode(part) else { return false }
        return base64URLEncode(data) == String(part)
    }

    static func base64URLEncode(_ data: Data) -> String {
        var text = data.base64EncodedString()
        while text.hasSuffix("=") { text.removeLast() }
        return text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }

    static func base64URLDecode(_ part: Substring) -> Data? {
        guard part.utf8.allSatisfy({ $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "=") }) else { return nil }
        var text = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        return Data(base64Encoded: text)
    }
}
