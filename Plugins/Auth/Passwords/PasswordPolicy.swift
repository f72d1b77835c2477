import Foundation
import PlinthKernel

/// What a new password must be (ASVS 5.0 6.2): long enough, not absurdly long, not one of the
/// most common passwords. No composition rules; any Unicode.
struct PasswordPolicy: Sendable {
    let minLength: Int
    let maxLength: Int

    /// The schema of a new password: the length bounds (the blocklist stays a handler check).
    var schema: Schema {
        var schema = Schema.string
        schema.length(minLength...maxLength)
        schema.description = "\(minLength)-\(maxLength) characters, not a commonly used password"
        // The operator's blocklist stays out of the document: it can be long, and it is theirs.
        var common = Schema.oneOf(Self.common.sorted())
        common.description = "is one of the most commonly used passwords; choose another"
        schema.not = common
        return schema
    }
    /// Lower-cased passwords refused besides ``common`` (`PLINTH_AUTH_PASSWORD_BLOCKLIST`).
    var blocklist: Set<String> = []

    /// - Throws: a 422 problem naming the rule, with `field` set to `field`.
    func check(_ password: String, field: String = "password") throws {
        // Code points, as JSON Schema's minLength and maxLength count them.
        let length = password.unicodeScalars.count
        if length < minLength {
            throw Problem(.unprocessableContent, type: "weak-password", detail: "\(field) must be at least \(minLength) characters", extensions: ["field": field])
        }
        if length > maxLength {
            throw Problem(.unprocessableContent, type: "weak-password", detail: "\(field) must be at most \(maxLength) characters", extensions: ["field": field])
        }
        if Self.common.contains(password.lowercased()) || blocklist.contains(password.lowercased()) {
            throw Problem(.unprocessableContent, type: "weak-password", detail: "\(field) is one of the most commonly used passwords; choose another", extensions: ["field": field])
        }
    }

    /// The most common passwords of 8+ characters from public breach corpora, lower-cased.
    static let common: Set<String> = [
        "password", "password1", "password12", "password123", "password1234", "passw0rd", "p@ssw0rd", "p@ssword",
        "12345678", "123456789", "1234567890", "12345678910", "123123123", "11111111", "00000000", "88888888",
        "87654321", "qwertyuiop", "qwerty123", "qwerty12", "1q2w3e4r", "1q2w3e4r5t", "1qaz2wsx", "zaq12wsx",
        "iloveyou", "iloveyou1", "sunshine", "princess", "football", "baseball", "welcome1", "welcome123",
        "superman", "michelle", "jennifer", "computer", "whatever", "trustno1", "starwars", "letmein1",
        "abcd1234", "abc12345", "aaaaaaaa", "asdfghjkl", "asdfasdf", "changeme", "monkey123", "dragon123",
        "qwertyui", "q1w2e3r4", "admin123", "administrator", "master123", "football1", "charlie1", "shadow12",
    ]
}
