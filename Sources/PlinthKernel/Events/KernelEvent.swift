/// A typed event on the kernel's bus. The name is dotted, starting with the publishing
/// plugin's id: `auth.user.created`, `jobs.job.completed`.
///
/// ```swift
/// struct InvoicePaid: KernelEvent {
///     static let name = "billing.invoice.paid"
///     let invoiceID: String
/// }
/// ```
public protocol KernelEvent: Codable, Sendable {
    static var name: String { get }
}

/// An event as it travels: its name, JSON payload, source plugin and origin instance.
public struct EventEnvelope: Codable, Sendable {
    public let id: String
    public let name: String
    public let source: String
    /// The kernel instance that published it.
    public let origin: String
    /// ISO 8601 time of publication.
    public let time: String
    /// The event, JSON-encoded.
    public let payload: String

    /// Decodes the payload as `E` when the names match.
    public func decode<E: KernelEvent>(_ type: E.Type) -> E? {
        guard name == E.name, let data = payload.data(using: .utf8) else { return nil }
        return try? JSONDecoder().decode(E.self, from: data)
    }
}

import Foundation
