/// A family of channels a plugin publishes to and who may subscribe to them.
///
/// A pattern is `:`-separated segments; `{name}` matches any one segment. A `{tenant}` segment
/// makes it a tenant channel: a subscriber must pass `policy` in that tenant (the tenant is
/// the request's ``PlinthRequestContext/tenantID`` while the policy is checked, as a route's
/// `{tenant}` path parameter is for `.member`).
///
/// ```swift
/// try context.channels.declare("tenant:{tenant}:jobs", policy: .permission("jobs.read"), plugin: context.id)
/// try context.channels.declare("announcements", policy: .public, plugin: context.id)
/// ```
public struct ChannelDeclaration: Sendable {
    public let pattern: String
    public let policy: RoutePolicy
    public let plugin: String
    let segments: [Substring]

    init(pattern: String, policy: RoutePolicy, plugin: String) throws {
        self.pattern = pattern
        self.policy = policy
        self.plugin = plugin
        segments = pattern.split(separator: ":", omittingEmptySubsequences: false)
        guard segments.allSatisfy({ !$0.isEmpty && ChannelDeclaration.validSegment($0) }) else {
            throw KernelStartupError("plugin '\(plugin)' declares channel '\(pattern)': segments are letters, digits, '-', '_', '.' or one {name}, separated by ':'", code: .provide, plugin: plugin)
        }
    }

    /// Whether the channels are per tenant.
    public var isTenantChannel: Bool { segments.contains("{tenant}") }

    /// The placeholders of `channel` when it belongs to this family, else nil.
    func match(_ channel: String) -> [String: String]? {
        let parts = channel.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == segments.count else { return nil }
        var values: [String: String] = [:]
        for (part, segment) in zip(parts, segments) {
            if segment.hasPrefix("{") {
                guard !part.isEmpty, Self.validSegment(part) else { return nil }
                values[String(segment.dropFirst().dropLast())] = String(part)
            } else if part != segment {
                return nil
            }
        }
        return values
    }

    static func validSegment(_ segment: Substring) -> Bool {
        if segment.hasPrefix("{") { return segment.hasSuffix("}") && segment.count > 2 && segment.dropFirst().dropLast().allSatisfy { $0.isLetter || $0 == "_" } }
        return segment.count <= 128 && segment.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }
}
