/// A validated object key inside one scope: `system/{path}` for plugins' own files and
/// `tenants/{tenantID}/{path}` for a tenant's. The scope prefix is built here, never taken from
/// input, so a tenant's key cannot name another tenant's object.
///
/// ```swift
/// let key = try BlobKey(tenant: "acme", path: "invoices/2026/01.pdf")
/// key.storagePath // "tenants/acme/invoices/2026/01.pdf"
/// ```
public struct BlobKey: Sendable, Hashable, CustomStringConvertible {
    public enum Scope: Sendable, Hashable {
        case system
        case tenant(String)

        /// `system/` or `tenants/{id}/`.
        public var prefix: String {
            switch self {
            case .system: "system/"
            case .tenant(let id): "tenants/\(id)/"
            }
        }
    }

    public let scope: Scope
    /// The key inside its scope, as the caller gave it.
    public let path: String

    /// - Throws: ``BlobKeyError`` for an empty key, a `.` or `..` segment, a leading `/`, an
    ///   empty segment (`a//b`), a backslash, an encoded slash or backslash (`%2F`, `%5C`), a
    ///   control character, or more than 1024 bytes in all (S3's limit).
    public init(_ scope: Scope, path: String) throws(BlobKeyError) {
        if case .tenant(let id) = scope { try Self.validateTenant(id) }
        try Self.validate(path, allowTrailingSlash: false)
        guard scope.prefix.utf8.count + path.utf8.count <= 1024 else { throw BlobKeyError(path, "is longer than 1024 bytes with its scope prefix") }
        self.scope = scope
        self.path = path
    }

    public init(tenant: String, path: String) throws(BlobKeyError) { try self.init(.tenant(tenant), path: path) }
    public init(system path: String) throws(BlobKeyError) { try self.init(.system, path: path) }

    /// The object's name in the store: scope prefix + path.
    public var storagePath: String { scope.prefix + path }
    public var description: String { storagePath }

    /// The storage prefix for listing `prefix` (which may be empty or end in `/`) in `scope`.
    public static func listPrefix(_ scope: Scope, _ prefix: String) throws(BlobKeyError) -> String {
        if case .tenant(let id) = scope { try validateTenant(id) }
        if !prefix.isEmpty { try validate(prefix, allowTrailingSlash: true) }
        return scope.prefix + prefix
    }

    /// The key of a stored object if it lies in `scope`, else nil.
    public static func inScope(_ scope: Scope, storagePath: String) -> BlobKey? {
        guard storagePath.hasPrefix(scope.prefix) else { return nil }
        return try? BlobKey(scope, path: String(storagePath.dropFirst(scope.prefix.utf8.count)))
    }

    static func validateTenant(_ id: String) throws(BlobKeyError) {
        let valid = (1...64).contains(id.utf8.count) && id.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b == 0x5f || b == 0x2d
        }
        guard valid else { throw BlobKeyError(id, "is not a valid tenant id (1-64 of A-Z a-z 0-9 _ -)") }
    }

    static func validate(_ path: String, allowTrailingSlash: Bool) throws(BlobKeyError) {
        guard !path.isEmpty else { throw BlobKeyError(path, "is empty") }
        guard !path.hasPrefix("/") else { throw BlobKeyError(path, "starts with '/'; keys are relative") }
        guard !path.contains("\\") else { throw BlobKeyError(path, "contains a backslash") }
        let lower = path.lowercased()
        guard !lower.contains("%2f"), !lower.contains("%5c") else { throw BlobKeyError(path, "contains an encoded slash or backslash") }
        guard !path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else { throw BlobKeyError(path, "contains a control character") }
        var segments = path.split(separator: "/", omittingEmptySubsequences: false)
        if allowTrailingSlash, segments.count > 1, segments.last == "" { segments.removeLast() }
        for segment in segments {
            if segment.isEmpty { throw BlobKeyError(path, "has an empty segment ('//' or a trailing '/')") }
            if segment == "." || segment == ".." { throw BlobKeyError(path, "contains a '\(segment)' segment") }
        }
    }
}

/// A key that cannot be used; the message names the key and the rule it breaks.
public struct BlobKeyError: Error, Sendable, CustomStringConvertible {
    public let key: String
    public let reason: String
    init(_ key: String, _ reason: String) {
        self.key = key
        self.reason = reason
    }
    public var description: String { "key '\(key)' \(reason)" }
}
