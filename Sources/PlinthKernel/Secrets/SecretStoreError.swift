/// Why a sealed value did not open.
public struct SecretStoreError: Error, CustomStringConvertible, Sendable, Equatable {
    public struct Code: Hashable, Sendable {
        let name: String
        /// Not a value ``SecretStore/seal(_:for:)`` wrote.
        public static let malformed = Code(name: "malformed")
        /// Sealed with a key that is neither `PLINTH_SECRET_KEY` nor in `PLINTH_SECRET_KEY_PREVIOUS`.
        public static let unknownKey = Code(name: "unknownKey")
        /// The ciphertext was changed, or the value belongs to another owner.
        public static let rejected = Code(name: "rejected")
    }

    public let code: Code
    public let owner: SecretOwner
    public let detail: String

    public var description: String { "secret \(owner) does not open: \(detail)" }
}
