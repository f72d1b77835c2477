import PlinthKernel
import PlinthTesting
import Testing

@Suite struct PluginValidationTests {
    func validate(_ entries: [PluginEntry], kernel: SemanticVersion = Kernel.apiVersion) throws -> [String] {
        try PluginValidator.validate(entries, kernelVersion: kernel).map(\.manifest.id)
    }

    func message(_ entries: [PluginEntry]) -> String {
        do { _ = try validate(entries); return "" } catch { return "\(error)" }
    }

    @Test func ordersPluginsAfterTheirDependencies() throws {
        let order = try validate([
            manifestOnly(.init(id: "c", name: "C", version: "1.0.0", dependencies: ["b": "^1.0.0"])),
            manifestOnly(.init(id: "b", name: "B", version: "1.1.0", dependencies: ["a": "*"])),
            manifestOnly(.init(id: "a", name: "A", version: "1.0.0")),
            manifestOnly(.init(id: "z", name: "Z", version: "1.0.0")),
        ])
        #expect(order == ["a", "b", "c", "z"])
    }

    @Test func duplicateIDNamesBothOrigins() {
        let text = message([
            manifestOnly(.init(id: "billing", name: "B", version: "1.0.0"), origin: "compiled-in"),
            manifestOnly(.init(id: "billing", name: "B2", version: "2.0.0"), origin: "plugins.d/billing.so"),
        ])
        #expect(text.contains("'billing' is claimed twice") && text.contains("plugins.d/billing.so"))
    }

    @Test(arguments: ["Billing", "1abc", "bill-ing", "a..b", "", ".a", "a."])
    func malformedIDIsRejected(id: String) {
        let text = message([manifestOnly(.init(id: id, name: "X", version: "1.0.0", basePath: "/x"))])
        #expect(text.contains("malformed id"))
    }

    @Test func reservedIDIsRejected() {
        #expect(message([manifestOnly(.init(id: "kernel", name: "K", version: "1.0.0"))]).contains("reserved"))
    }

    @Test func badVersionIsRejected() {
        #expect(message([manifestOnly(.init(id: "a", name: "A", version: "one"))]).contains("plugin 'a' has version 'one' is not a semantic version"))
    }

    @Test func missingDependencyNamesBoth() {
        let text = message([manifestOnly(.init(id: "stats", name: "S", version: "1.0.0", dependencies: ["notes": "^1.0.0"]))])
        #expect(text == "plugin 'stats' depends on 'notes' (^1.0.0), which is not installed or not enabled; install it or add it to PLINTH_PLUGINS")
    }

    @Test func dependencyOutOfRange() {
        let text = message([
            manifestOnly(.init(id: "stats", name: "S", version: "1.0.0", dependencies: ["notes": "^2.0.0"])),
            manifestOnly(.init(id: "notes", name: "N", version: "1.4.0")),
        ])
        #expect(text.contains("plugin 'stats' needs 'notes' ^2.0.0, but 'notes' 1.4.0 is installed"))
    }

    @Test func kernelRangeUnsatisfied() {
        let text = message([manifestOnly(.init(id: "old", name: "Old", version: "1.0.0", kernelAPI: "^2.0.0"))])
        #expect(text.contains("plugin 'old' 1.0.0 supports kernel API ^2.0.0, but this kernel's API is \(Kernel.apiVersion)"))
    }

    @Test func cycleIsReportedAsAPath() {
        let text = message([
            manifestOnly(.init(id: "a", name: "A", version: "1.0.0", dependencies: ["b": "*"])),
            manifestOnly(.init(id: "b", name: "B", version: "1.0.0", dependencies: ["c": "*"])),
            manifestOnly(.init(id: "c", name: "C", version: "1.0.0", dependencies: ["a": "*"])),
        ])
        #expect(text.contains("cycle: a -> b -> c -> a"))
    }

    @Test func badBasePathIsRejected() {
        #expect(message([manifestOnly(.init(id: "a", name: "A", version: "1.0.0", basePath: "api/a"))]).contains("base path"))
    }

    @Test func enableListFiltersAndRejectsUnknownIDs() async throws {
        let kernel = try TestKernel.makeKernel(plugins: [PluginEntry(NotesPlugin.self), PluginEntry(StatsPlugin.self)], backend: .sqlite, environment: ["PLINTH_PLUGINS": "notes"])
        let (enabled, disabled) = try await kernel.resolvePlugins()
        #expect(enabled.map(\.manifest.id) == ["notes"])
        #expect(disabled.map(\.manifest.id) == ["stats"])

        let wrong = try TestKernel.makeKernel(plugins: [PluginEntry(NotesPlugin.self)], backend: .sqlite, environment: ["PLINTH_PLUGINS": "notes,nope"])
        await #expect(throws: ConfigurationError.self) { _ = try await wrong.resolvePlugins() }

        let missingDependency = try TestKernel.makeKernel(plugins: [PluginEntry(NotesPlugin.self), PluginEntry(StatsPlugin.self)], backend: .sqlite, environment: ["PLINTH_PLUGINS": "stats"])
        await #expect(throws: KernelStartupError.self) { _ = try await missingDependency.resolvePlugins() }
    }
}
