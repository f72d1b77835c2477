/// A second factor the auth plugin asks for before it issues tokens. The MFA plugin installs
/// one with ``AuthService/install(secondFactor:)``.
///
/// When ``isRequired(user:)`` says yes, a correct password (or an external login) answers
/// `{"mfaRequired": true, "challengeToken": ...}` instead of tokens. The second-factor plugin
/// checks its code, then calls ``AuthService/completeChallenge(_:request:context:)`` with the
/// challenge token, which answers exactly as a login would have.
public protocol SecondFactor: Sendable {
    func isRequired(user: String) async throws -> Bool
}
