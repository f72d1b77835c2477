import Synchronization

/// A named permission a plugin declares, and the tenant roles that hold it.
public struct PermissionDeclaration: Sendable, Hashable, Codable {
    /// Dotted and owned by the declaring plugin, e.g. `storage.write`.
    public let name: String
    public let description: String
    /// Roles that hold it: any of `owner`, `admin`, `member`.
    public let roles: Set<String>
    /// The plugin that declared it.
    public let plugin: String
}

/// The permissions every plugin declares, and which tenant roles hold them. The auth plugin
/// reads it to fill ``PlinthIdentity/permissions``; ``PlinthRequestContext/requirePermission(_:)``
/// checks against it.
///
/// ```swift
/// func provide(_ context: PluginContext) async throws {
///     try context.declarePermission("billing.invoices.write", "create and void invoices", roles: ["owner", "admin"])
/// }
/// ```
public final class PermissionCatalog: Sendable {
    /// The tenant roles, from most to least powerful.
    public static let roles = ["owner", "admin", "member"]
    private let declarations = Mutex<[String: PermissionDeclaration]>([:])

    public init() {}

    /// - Throws: ``KernelStartupError`` when the name is taken or a role is unknown.
    public func declare(_ name: String, description: String, roles: Set<String>, plugin: String) throws {
        if let unknown = roles.subtracting(Self.roles).first {
            throw KernelStartupError("plugin '\(plugin)' declares permission '\(name)' for unknown role '\(unknown)'; roles are \(Self.roles.joined(separator: ", "))")
        }
        let taken: String? = declarations.withLock { all in
            if let existing = all[name] { return existing.plugin }
            all[name] = PermissionDeclaration(name: name, description: description, roles: roles, plugin: plugin)
            return nil
        }
        if let taken {
            throw KernelStartupError("permission '\(name)' is declared by both plugin '\(taken)' and plugin '\(plugin)'")
        }
    }

    /// Every permission `role` holds.
    public func permissions(for role: String) -> Set<String> {
        declarations.withLock { Set($0.values.filter { $0.roles.contains(role) }.map(\.name)) }
    }

    /// Every declaration, sorted by name.
    public var all: [PermissionDeclaration] {
        declarations.withLock { $0.values.sorted { $0.name < $1.name } }
    }
}
