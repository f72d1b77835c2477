import Foundation
import HTTPTypes
import Hummingbird

extension HTTPField.Name {
    /// `x-request-id`
    public static let requestID = Self("x-request-id")!
    /// `x-tenant-id`
    public static let tenantID = Self("x-tenant-id")!
    /// `x-forwarded-for`
    public static let xForwardedFor = Self("x-forwarded-for")!
}

/// Sets up what every later middleware and route relies on: the request id (a well-formed
/// `x-request-id` of 1–128 `A-Z a-z 0-9 . _ -`, or a new one) on the context and logger; the
/// tenant claimed by `x-tenant-id`; the body size limit.
enum RequestScope {
    static func isWellFormed(_ id: String) -> Bool {
        (1...128).contains(id.utf8.count) && id.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b == 0x2e || b == 0x5f || b == 0x2d
        }
    }

    /// The client's address behind `hops` trusted proxies: each proxy appends the address it
    /// heard from to `X-Forwarded-For`, so the one `hops` from the right was added by the
    /// outermost trusted proxy; anything left of it the client could have written.
    static func clientAddress(forwardedFor: [String], peer: String?, hops: Int) -> String? {
        guard hops > 0 else { return peer }
        let entries = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        // Fewer entries than proxies: the request did not come through them all, so believe none.
        return entries.count >= hops ? entries[entries.count - hops] : peer
    }

    /// Fills the context; returns a problem when the request is malformed (bad tenant header).
    static func prepare(_ request: Request, _ context: inout PlinthRequestContext, maxBodySize: Int, trustTenantHeader: Bool, proxyHops: Int = 0) -> Problem? {
        if proxyHops > 0 {
            context.clientAddress = clientAddress(forwardedFor: request.headers[values: .xForwardedFor], peer: context.clientAddress, hops: proxyHops)
        }
        let given = request.headers[.requestID]
        context.requestID = given.flatMap { isWellFormed($0) ? $0 : nil } ?? RequestIDGenerator.next()
        context.logger[metadataKey: "request_id"] = .string(context.requestID)
        context.maxUploadSize = maxBodySize
        if let tenant = request.headers[.tenantID] {
            guard tenant.utf8.count <= 64, isWellFormed(tenant), !tenant.contains(".") else {
                return Problem(.badRequest, type: "invalid-tenant", detail: "x-tenant-id must be 1-64 characters of A-Z, a-z, 0-9, '_' and '-'")
            }
            context.requestedTenantID = tenant
            if trustTenantHeader {
                context.tenantID = tenant
                context.logger[metadataKey: "tenant"] = .string(tenant)
            }
        }
        return nil
    }
}
