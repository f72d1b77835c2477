import Foundation
import HTTPTypes
import Hummingbird
import PlinthKernel

/// Turns what a request names into keys and storage failures into problems.
enum StorageRequest {
    /// The tenant scope of the caller; storage routes act only inside it.
    static func scope(_ context: PlinthRequestContext) throws -> BlobKey.Scope {
        guard let tenant = context.tenantID else {
            throw Problem(.badRequest, type: "tenant-required", detail: "storage routes act inside a tenant; send X-Tenant-ID or sign in")
        }
        return .tenant(tenant)
    }

    /// The key after `objects/` (or `signed/`), checked before percent-decoding so that an
    /// encoded slash cannot smuggle a segment past validation.
    static func rawRest(_ context: PlinthRequestContext) throws -> String {
        guard let raw = context.parameters.get(String(Parameters.recursiveCaptureKey)), !raw.isEmpty else {
            throw Problem(.badRequest, type: "invalid-key", detail: "the URL names no object key")
        }
        let lower = raw.lowercased()
        if lower.contains("%2f") || lower.contains("%5c") {
            throw Problem(.badRequest, type: "invalid-key", detail: "key '\(raw)' contains an encoded slash or backslash")
        }
        guard let decoded = raw.removingPercentEncoding else {
            throw Problem(.badRequest, type: "invalid-key", detail: "key '\(raw)' is not valid percent-encoding")
        }
        return decoded
    }

    static func key(_ scope: BlobKey.Scope, _ path: String) throws -> BlobKey {
        do { return try BlobKey(scope, path: path) } catch { throw Problem(.badRequest, type: "invalid-key", detail: error.description) }
    }

    /// `tenants/{id}/...` or `system/...` back into a key (for signed URLs).
    static func key(storagePath: String) throws -> BlobKey {
        if storagePath.hasPrefix("system/") { return try key(.system, String(storagePath.dropFirst("system/".count))) }
        let parts = storagePath.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "tenants" else {
            throw Problem(.badRequest, type: "invalid-key", detail: "'\(storagePath)' is not a storage path")
        }
        return try key(.tenant(String(parts[1])), String(parts[2]))
    }

    /// `Range: bytes=a-b | a- | -n`; nil for no header or one we do not serve (several ranges),
    /// in which case the whole object is sent, as RFC 9110 allows.
    static func range(_ request: Request) throws -> ByteRange? {
        guard let header = request.headers[.range] else { return nil }
        let value = header.trimmingCharacters(in: .whitespaces)
        guard value.lowercased().hasPrefix("bytes="), !value.contains(",") else { return nil }
        let spec = value.dropFirst("bytes=".count).split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard spec.count == 2 else { return nil }
        switch (Int(spec[0]), Int(spec[1])) {
        case (let first?, let last?) where first >= 0 && last >= first: return .bounded(first, last)
        case (let first?, nil) where spec[1].isEmpty && first >= 0: return .from(first)
        case (nil, let count?) where spec[0].isEmpty && count > 0: return .suffix(count)
        default: return nil
        }
    }

    /// The problem a storage failure answers with.
    static func problem(_ error: any Error, maxUploadSize: Int) -> any Error {
        switch error {
        case BlobStoreError.notFound:
            return Problem(.notFound, detail: "no such object")
        case BlobStoreError.rangeNotSatisfiable(let size):
            var headers = HTTPFields()
            headers[.contentRange] = "bytes */\(size)"
            return Problem(.rangeNotSatisfiable, detail: "the range is outside the object's \(size) bytes", headers: headers)
        case BlobStoreError.tooLarge:
            return Problem(.contentTooLarge, detail: "the request body is larger than the \(maxUploadSize)-byte limit (STORAGE_MAX_UPLOAD_SIZE)")
        case BlobStoreError.unavailable:
            var headers = HTTPFields()
            headers[.retryAfter] = "1"
            return Problem(.serviceUnavailable, type: "storage-unavailable", detail: "the storage backend cannot be reached; retry later", headers: headers)
        case BlobStoreError.backend(let status, let code, _):
            return Problem(.badGateway, type: "storage-error", detail: "the storage backend refused the request (\(status) \(code))")
        case BlobStoreError.conflict(let reason):
            return Problem(.conflict, type: "key-conflict", detail: reason)
        case let error as BlobKeyError:
            return Problem(.badRequest, type: "invalid-key", detail: error.description)
        default:
            return error
        }
    }
}
