import Crypto
import Foundation
import JWTKit
import NIOCore
import NIOPosix
@testable import PlinthAuth
import PlinthKernel
import PlinthTesting
import Synchronization
import Testing

/// Checklist B 25–30: what an access token must be, and everything else refused with 401.
@Suite struct AccessTokenTests {
    static func b64(_ json: String) -> String { SecretToken.base64URL(Data(json.utf8)) }

    static func hs256(_ header: String, _ payload: String, secret: String = AuthHarness.jwtSecret) -> String {
        let input = b64(header) + "." + b64(payload)
        let mac = HMAC<SHA256>.authenticationCode(for: Data(input.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return input + "." + SecretToken.base64URL(Data(mac))
    }

    static func payload(sub: String, sid: String, iss: String = "http://localhost:3013", aud: String = "plinth", iat: Double = Date().timeIntervalSince1970, exp: Double? = nil, nbf: Double? = nil) -> String {
        let exp = exp ?? iat + 600
        return #"{"iss":"\#(iss)","aud":["\#(aud)"],"sub":"\#(sub)","sid":"\#(sid)","jti":"x","iat":\#(Int(iat)),"nbf":\#(Int(nbf ?? iat)),"exp":\#(Int(exp))}"#
    }

    static let goodHeader = #"{"alg":"HS256","typ":"at+jwt","kid":"plinth-access-1"}"#

    /// The `sid` of a real sign-in, so that a forged token fails only for what the test changes.
    static func claims(of token: String) throws -> (sub: String, sid: String) {
        let part = token.split(separator: ".")[1]
        let data = try #require(AccessTokens.base64URLDecode(part))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return (try #require(object["sub"] as? String), try #require(object["sid"] as? String))
    }

    @Test(arguments: TestBackend.all)
    func aWellFormedTokenWorksAndEveryAlteredOneGets401(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend) { client, _ in
            let ann = try await client.signUp("ann@example.com")
            let (sub, sid) = try Self.claims(of: ann.access)
            func status(_ token: String) async throws -> Int {
                let answer = try await client.get("/api/auth/me", headers: ["authorization": "Bearer \(token)"])
                #expect(answer.status < 500, "\(answer.text)")
                return answer.status
            }
            // Our own forging works: the test vectors below fail for the reason they name.
            #expect(try await status(Self.hs256(Self.goodHeader, Self.payload(sub: sub, sid: sid))) == 200)
            let now = Date().timeIntervalSince1970
            let cases: [(String, String)] = [
                ("alg none", Self.b64(#"{"alg":"none","typ":"at+jwt","kid":"plinth-access-1"}"#) + "." + Self.b64(Self.payload(sub: sub, sid: sid)) + "."),
                ("alg none with signature", Self.b64(#"{"alg":"none","typ":"at+jwt","kid":"plinth-access-1"}"#) + "." + Self.b64(Self.payload(sub: sub, sid: sid)) + ".AAAA"),
                ("RS256 header over an HMAC", Self.hs256(#"{"alg":"RS256","typ":"at+jwt","kid":"plinth-access-1"}"#, Self.payload(sub: sub, sid: sid))),
                ("HS512", Self.hs256(#"{"alg":"HS512","typ":"at+jwt","kid":"plinth-access-1"}"#, Self.payload(sub: sub, sid: sid))),
                ("other secret", Self.hs256(Self.goodHeader, Self.payload(sub: sub, sid: sid), secret: "another-secret-of-at-least-32-characters!")),
                ("typ JWT (an id_token or other JWT)", Self.hs256(#"{"alg":"HS256","typ":"JWT","kid":"plinth-access-1"}"#, Self.payload(sub: sub, sid: sid))),
                ("no typ", Self.hs256(#"{"alg":"HS256","kid":"plinth-access-1"}"#, Self.payload(sub: sub, sid: sid))),
                ("kid path", Self.hs256(#"{"alg":"HS256","typ":"at+jwt","kid":"../../etc/passwd"}"#, Self.payload(sub: sub, sid: sid))),
                ("kid sql", Self.hs256(#"{"alg":"HS256","typ":"at+jwt","kid":"' OR 1=1--"}"#, Self.payload(sub: sub, sid: sid))),
                ("kid 10 kB", Self.hs256(#"{"alg":"HS256","typ":"at+jwt","kid":""# + String(repeating: "k", count: 10_000) + #""}"#, Self.payload(sub: sub, sid: sid))),
                ("wrong iss", Self.hs256(Self.goodHeader, Self.payload(sub: sub, sid: sid, iss: "https://evil.example"))),
                ("wrong aud", Self.hs256(Self.goodHeader, Self.payload(sub: sub, sid: sid, aud: "other-api"))),
                ("expired", Self.hs256(Self.goodHeader, Self.payload(sub: sub, sid: sid, iat: now - 1000, exp: now - 10))),
                ("not yet valid", Self.hs256(Self.goodHeader, Self.payload(sub: sub, sid: sid, nbf: now + 600))),
                ("signature stripped", String(ann.access.split(separator: ".").prefix(2).joined(separator: ".")) + "."),
                ("garbage", "not-a-token"),
                ("revoked sign-in", Self.hs256(Self.goodHeader, Self.payload(sub: sub, sid: UUID().uuidString.lowercased()))),
            ]
            for (name, token) in cases {
                #expect(try await status(token) == 401, "\(name)")
            }
        }
    }

    @Test(arguments: TestBackend.all)
    func keyURLHeadersAreRefusedWithoutAnyFetch(backend: TestBackend) async throws {
        // A listener that counts connections: a verifier that followed jku/x5u would call it.
        let connections = Atomic<Int>(0)
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                connections.add(1, ordering: .relaxed)
                return channel.close()
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { server.close(promise: nil) }
        let url = "http://127.0.0.1:\(server.localAddress!.port!)/keys"
        try await AuthHarness.run(backend: backend) { client, _ in
            let ann = try await client.signUp("ann@example.com")
            let (sub, sid) = try Self.claims(of: ann.access)
            for header in [
                #"{"alg":"HS256","typ":"at+jwt","kid":"plinth-access-1","jku":"\#(url)"}"#,
                #"{"alg":"HS256","typ":"at+jwt","kid":"plinth-access-1","x5u":"\#(url)"}"#,
                #"{"alg":"HS256","typ":"at+jwt","kid":"plinth-access-1","jwk":{"kty":"oct","k":"c2VjcmV0"}}"#,
                #"{"alg":"HS256","typ":"at+jwt","kid":"plinth-access-1","x5c":["MIIB"]}"#,
            ] {
                let answer = try await client.get("/api/auth/me", headers: ["authorization": "Bearer \(Self.hs256(header, Self.payload(sub: sub, sid: sid)))"])
                #expect(answer.status == 401, "\(header)")
            }
        }
        #expect(connections.load(ordering: .relaxed) == 0)
    }

    @Test(arguments: TestBackend.all)
    func issuedTokensArePinnedAndLiveAtMost900Seconds(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend) { client, _ in
            let ann = try await client.signUp("ann@example.com")
            let parts = ann.access.split(separator: ".")
            let headerData = try #require(AccessTokens.base64URLDecode(parts[0]))
            let bodyData = try #require(AccessTokens.base64URLDecode(parts[1]))
            let header = try #require(try JSONSerialization.jsonObject(with: headerData) as? [String: Any])
            let body = try #require(try JSONSerialization.jsonObject(with: bodyData) as? [String: Any])
            #expect(header["alg"] as? String == "HS256")
            #expect(header["typ"] as? String == "at+jwt")
            #expect(header["kid"] as? String == "plinth-access-1")
            let iat = try #require(body["iat"] as? Double)
            let exp = try #require(body["exp"] as? Double)
            #expect(exp - iat == 900)
            #expect(body["iss"] as? String == "http://localhost:3013")
            #expect(body["aud"] as? String == "plinth" || (body["aud"] as? [String]) == ["plinth"])
        }
    }

    @Test(arguments: TestBackend.all)
    func aStaleBearerDoesNotBlockPublicRoutes(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend) { client, _ in
            let ann = try await client.signUp("ann@example.com")
            // Clients often send the old access token along with the refresh.
            let answer = try await client.post("/api/auth/refresh", ["refreshToken": ann.refresh], headers: ["authorization": "Bearer expired.garbage.token"])
            #expect(answer.status == 200)
        }
    }
}
