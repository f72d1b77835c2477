import Hummingbird
import HummingbirdTesting
import PlinthKernel
import PlinthTesting
import Testing

/// The kernel's identity vocabulary without an auth plugin: permissions plugins declare, and
/// `authorize` trusting the gateway's `X-Tenant-ID` when no authenticator is installed.
@Suite struct IdentityTests {
    struct Declaring: SaaSPlugin {
        static let manifest = PluginManifest(id: "declaring", name: "Declaring", version: "1.0.0")
        init(context: PluginContext) throws {}
        func provide(_ context: PluginContext) async throws {
            try context.declarePermission("declaring.read", "read things", roles: ["owner", "admin", "member"])
            try context.declarePermission("declaring.write", "write things", roles: ["owner"])
        }
        func mount(_ routes: PluginRoutes, context: PluginContext) throws {
            try routes.add([
                Route.get("things", id: "declaring.things", "The caller's tenant")
                    .requires(.permission("declaring.write"))
                    .handle { _, context in context.tenantID ?? "none" },
                Route.get("mine", id: "declaring.mine", "The caller")
                    .requires(.signedIn)
                    .handle { _, context in try context.requireIdentity().subject },
            ])
        }
    }

    @Test func rolesHoldWhatPluginsDeclare() async throws {
        try await TestKernel.run(plugins: [PluginEntry(Declaring.self)], backend: .sqlite) { kernel in
            let catalog = try #require(kernel.services.resolve(PermissionCatalog.self))
            #expect(catalog.permissions(for: "owner") == ["declaring.read", "declaring.write"])
            #expect(catalog.permissions(for: "member") == ["declaring.read"])
            #expect(catalog.all.map(\.plugin) == ["declaring", "declaring"])
        }
    }

    @Test func aTakenNameOrAnUnknownRoleIsAStartupError() throws {
        let catalog = PermissionCatalog()
        try catalog.declare("a.read", description: "", roles: ["member"], plugin: "a")
        #expect(throws: KernelStartupError.self) { try catalog.declare("a.read", description: "", roles: ["member"], plugin: "b") }
        do {
            try catalog.declare("a.write", description: "", roles: ["superuser"], plugin: "a")
            Issue.record("an unknown role was accepted")
        } catch let error as KernelStartupError {
            #expect(error.message.contains("unknown role 'superuser'"))
        }
    }

    @Test func withoutAnAuthenticatorTheGatewaysTenantIsTrustedAndIdentityIsRequired() async throws {
        try await TestKernel.run(plugins: [PluginEntry(Declaring.self)], backend: .sqlite) { kernel in
            try await kernel.test { client in
                try await client.execute(uri: "/declaring/things", method: .get, headers: [.tenantID: "acme"]) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body) == "acme")
                }
                try await client.execute(uri: "/declaring/mine", method: .get) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.contentType] == "application/problem+json")
                }
            }
        }
    }
}
