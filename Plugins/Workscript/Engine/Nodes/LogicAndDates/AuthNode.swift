/// `auth`: `hash` (PBKDF2-SHA512, 10,000 iterations, 64 bytes, with a random 16-byte salt used
/// as its hex text: `salt:hash`, written to `hashedPassword`), `verify` (`{password, hash}`;
/// `valid`/`invalid`, `authValid`), `generate_token` (32 random bytes as hex, `authToken`),
/// `sign` (HMAC-SHA256 of `data` with `secret`, hex, `signature`) and `verify_signature`
/// (`{message, signature, verifySecret}`; `valid`/`invalid`, `signatureValid`). As upstream,
/// `data` is required by every operation, and wrong argument types give Node's messages.
public struct AuthNode: WorkflowNode {
    public init() {}
    public let metadata = NodeMetadata(
        id: "auth", name: "Authentication Operations",
        description: "Server-specific authentication operations - hash passwords, validate tokens, etc.",
        inputs: ["operation", "data", "secret"], outputs: ["result", "valid", "invalid"],
        hints: NodeHints(purpose: "Perform cryptographic operations for authentication (hashing, token generation, signature verification)",
                         whenToUse: "When you need to hash passwords, verify credentials, generate tokens, or sign/verify data in server environments",
                         expectedEdges: ["success", "error", "valid", "invalid"],
                         exampleUsage: #"{"auth-1": {"operation": "hash", "data": "password123", "success?": "store-hash"}}"#,
                         exampleConfig: #"{"operation": "hash|verify|generate_token|sign|verify_signature", "data": "string|object", "secret?": "string"}"#,
                         postToState: ["hashedPassword", "authValid", "authToken", "signature", "signatureValid"]),
        config: [
            NodeConfigField("operation", .string, required: true, description: "hash, verify, generate_token, sign or verify_signature"),
            NodeConfigField("data", .string, .object, required: true, description: "a string (hash, sign), {password, hash} (verify) or {message, signature, verifySecret} (verify_signature)"),
            NodeConfigField("secret", .string, description: "the HMAC key of sign"),
        ],
        category: "server")

    public func execute(_ context: inout NodeContext, config: ScriptObject) async throws -> [NodeEdge] {
        let operation = config["operation"], data = config["data"], secret = config["secret"]
        guard operation.isTruthy, data.isTruthy else { return [.error("Missing operation or data")] }
        do throws(ScriptFailure) {
            switch operation.stringValue ?? "" {
            case "hash":
                let password = try AuthNode.bytes(data, argument: "password")
                let salt = CryptoDigests.hex(AuthNode.randomBytes(16))
                let hash = CryptoDigests.hex(CryptoDigests.pbkdf2(.sha512, password: password, salt: Array(salt.utf8), iterations: 10_000, length: 64))
                let result = "\(salt):\(hash)"
                context.state["hashedPassword"] = .string(result)
                return [NodeEdge("success", ["hash": .string(result), "salt": .string(salt)])]
            case "verify":
                let password = ScriptAccess.get(data, "password"), stored = ScriptAccess.get(data, "hash")
                guard password.isTruthy, stored.isTruthy else { return [.error("Missing password or hash for verification")] }
                guard case .string(let text) = stored else { throw ScriptFailure.method("hash", "split", call: "hash.split(\":\")", on: stored) }
                let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                let computed = CryptoDigests.hex(CryptoDigests.pbkdf2(.sha512, password: try AuthNode.bytes(password, argument: "password"),
                                                                      salt: Array(parts[0].utf8), iterations: 10_000, length: 64))
                let valid = parts.count > 1 && parts[1] == computed
                context.state["authValid"] = .bool(valid)
                return [NodeEdge(valid ? "valid" : "invalid", ["valid": .bool(valid)])]
            case "generate_token":
                let token = CryptoDigests.hex(AuthNode.randomBytes(32))
                context.state["authToken"] = .string(token)
                return [NodeEdge("success", ["token": .string(token)])]
            case "sign":
                guard secret.isTruthy else { return [.error("Missing secret for signing operation")] }
                let signature = try AuthNode.sign(data, key: secret)
                context.state["signature"] = .string(signature)
                return [NodeEdge("success", ["signature": .string(signature), "data": data])]
            case "verify_signature":
                let message = ScriptAccess.get(data, "message"), signature = ScriptAccess.get(data, "signature")
                let key = ScriptAccess.get(data, "verifySecret")
                guard message.isTruthy, signature.isTruthy, key.isTruthy else {
                    return [.error("Missing message, signature, or secret for verification")]
                }
                let valid = ExpressionOperations.strictlyEqual(.string(try AuthNode.sign(message, key: key)), signature)
                context.state["signatureValid"] = .bool(valid)
                return [NodeEdge(valid ? "valid" : "invalid", ["valid": .bool(valid)])]
            default:
                return [.error("Unknown operation: \(operation.jsString)")]
            }
        } catch {
            return [NodeEdge("error", ["error": .string(error.message), "operation": operation])]
        }
    }

    /// HMAC-SHA256 in hex; the key is checked before the data, as `createHmac(...).update(...)`.
    static func sign(_ data: ScriptValue, key: ScriptValue) throws(ScriptFailure) -> String {
        let keyBytes = try bytes(key, argument: "key")
        let message = try bytes(data, argument: "data")
        return CryptoDigests.hex(CryptoDigests.hmac(.sha256, key: keyBytes, message: message))
    }

    /// A string's UTF-8 bytes; anything else is Node's `ERR_INVALID_ARG_TYPE`.
    static func bytes(_ value: ScriptValue, argument: String) throws(ScriptFailure) -> [UInt8] {
        if case .string(let text) = value { return Array(text.utf8) }
        let accepted = switch argument {
        case "password": "of type string or buffer"
        case "key": "of type string or an instance of ArrayBuffer, Buffer, TypedArray, DataView, KeyObject, or CryptoKey"
        default: "of type string or an instance of Buffer, TypedArray, or DataView"
        }
        let received = switch value {
        case .object: "an instance of Object"
        case .array: "an instance of Array"
        case .undefined, .null: value.jsString
        default: "type \(value.typeOf) (\(value.jsString))"
        }
        throw ScriptFailure("The \"\(argument)\" argument must be \(accepted). Received \(received)", name: "TypeError")
    }

    /// The digests `auth` is built on, for checks against published vectors.
    public enum Hash: Sendable { case sha256, sha512 }

    static func digest(_ hash: Hash) -> CryptoDigests.Hash { hash == .sha256 ? .sha256 : .sha512 }

    public static func hexDigest(_ hash: Hash, _ text: String) -> String {
        CryptoDigests.hex(CryptoDigests.digest(digest(hash), Array(text.utf8)))
    }

    public static func hexHMAC(_ hash: Hash, key: [UInt8], _ message: String) -> String {
        CryptoDigests.hex(CryptoDigests.hmac(digest(hash), key: key, message: Array(message.utf8)))
    }

    public static func hexPBKDF2(_ hash: Hash, _ password: String, salt: String, iterations: Int, length: Int) -> String {
        CryptoDigests.hex(CryptoDigests.pbkdf2(digest(hash), password: Array(password.utf8), salt: Array(salt.utf8), iterations: iterations, length: length))
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}
