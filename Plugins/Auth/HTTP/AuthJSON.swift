import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PlinthKernel

/// JSON responses of the auth routes: sorted keys, and `Cache-Control: no-store` because they
/// may carry tokens.
enum AuthJSON {
    static func response(_ status: HTTPResponse.Status, _ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    static func empty(_ status: HTTPResponse.Status = .noContent) -> Response {
        Response(status: status, headers: [.cacheControl: "no-store"])
    }
}

/// What a sign-in answers.
struct TokenResponse: Codable {
    let accessToken: String
    let tokenType: String
    let expiresIn: Int
    /// Bearer mode only; cookie mode sets the `refreshToken` cookie instead.
    let refreshToken: String?
    /// Cookie mode only: send it as `X-CSRF-Token` with state-changing requests.
    let csrfToken: String?
    let user: UserView
}

/// What a sign-in held at the second factor answers.
struct SecondFactorChallenge: Codable {
    let mfaRequired: Bool
    let challengeToken: String
    let expiresIn: Int
}

/// An account as its owner sees it.
struct UserView: Codable, SchemaDescribing {
    let id: String
    let email: String
    let name: String?
    let emailVerified: Bool
    let createdAt: String

    static var schema: Schema {
        .derived(from: Self.self) { $0["createdAt"]?.format = "date-time" }
    }

    init(_ user: User) {
        id = user.id
        email = user.email
        name = user.name
        emailVerified = user.emailVerified
        createdAt = Self.iso(user.createdAt)
    }

    static func iso(_ seconds: Double) -> String {
        Date(timeIntervalSince1970: seconds).iso8601
    }
}
