import Foundation
import PlinthKernel
import PlinthTesting
import Testing

/// Records its steps and fails at the one `PLINTH_<id>_FAIL_AT` names.
struct StepFixture: SaaSPlugin {
    static let manifest = PluginManifest(id: "steps", name: "Steps", version: "1.0.0")
    let key: String
    let failAt: String?

    struct Wiring: Sendable { let token: String }

    init(context: PluginContext) throws {
        key = context.config.string("KEY")!
        failAt = context.config.string("FAIL_AT")
        LifecycleLog.record(key, "steps.configure")
        if failAt == "configure" { throw ConfigurationError(key: "PLINTH_STEPS_FAIL_AT", reason: "asked to fail") }
    }

    var migrations: [Migration] {
        failAt == "migrate" ? [Migration("001_broken", up: ["CREATE TABLE"], down: [])] : []
    }

    func provide(_ context: PluginContext) async throws -> Wiring {
        LifecycleLog.record(key, "steps.provide")
        if failAt == "provide" { throw Problem(.internalServerError, detail: "asked to fail") }
        return Wiring(token: "wired-\(key.prefix(4))")
    }

    func mount(_ routes: PluginRoutes, provided: Wiring, context: PluginContext) throws {
        LifecycleLog.record(key, "steps.mount \(provided.token)")
        if failAt == "mount" { throw Problem(.internalServerError, detail: "asked to fail") }
    }

    func boot(_ provided: Wiring, context: PluginContext) async throws {
        LifecycleLog.record(key, "steps.boot \(provided.token)")
        if failAt == "boot" { throw Problem(.internalServerError, detail: "asked to fail") }
    }

    func shutdown(_ provided: Wiring?, context: PluginContext) async throws {
        LifecycleLog.record(key, "steps.shutdown \(provided?.token ?? "unprovided")")
    }
}

/// A second plugin configured before `steps`, so that a failure of `steps` must also shut it down.
struct FirstFixture: SaaSPlugin {
    static let manifest = PluginManifest(id: "first", name: "First", version: "1.0.0")
    let key: String
    init(context: PluginContext) throws { key = context.config.string("KEY")! }
    func shutdown(_ context: PluginContext) async throws { LifecycleLog.record(key, "first.shutdown") }
}

@Suite struct ShutdownOnEveryExitTests {
    static func run(failAt: String?, backend: TestBackend, options: Kernel.RunOptions = .init()) async throws -> (steps: [String], error: (any Error)?) {
        let key = UUID().uuidString
        var environment = ["PLINTH_STEPS_KEY": key, "PLINTH_FIRST_KEY": key]
        if let failAt { environment["PLINTH_STEPS_FAIL_AT"] = failAt }
        do {
            try await TestKernel.run(plugins: [PluginEntry(FirstFixture.self), PluginEntry(StepFixture.self)], backend: backend, environment: environment, options: options) { _ in }
            return (LifecycleLog.steps(key), nil)
        } catch {
            return (LifecycleLog.steps(key), error)
        }
    }

    @Test(arguments: TestBackend.all)
    func whatProvideReturnedReachesEveryLaterStep(backend: TestBackend) async throws {
        let (steps, error) = try await Self.run(failAt: nil, backend: backend)
        #expect(error == nil)
        let token = steps.first { $0.hasPrefix("steps.mount ") }?.dropFirst("steps.mount ".count) ?? ""
        #expect(token.hasPrefix("wired-"))
        #expect(steps == ["steps.configure", "steps.provide", "steps.mount \(token)", "steps.boot \(token)", "steps.shutdown \(token)", "first.shutdown"])
    }

    @Test(arguments: TestBackend.all, ["migrate", "provide", "mount", "boot"])
    func aFailingStepStillShutsDownEveryConfiguredPlugin(backend: TestBackend, failAt: String) async throws {
        let (steps, error) = try await Self.run(failAt: failAt, backend: backend)
        #expect(error != nil, "start-up should fail at \(failAt)")
        #expect(steps.filter { $0.hasPrefix("steps.shutdown") }.count == 1, "\(steps)")
        #expect(steps.last == "first.shutdown", "\(steps)")
        // Nothing was provided when migrate or provide failed.
        if failAt == "migrate" || failAt == "provide" { #expect(steps.contains("steps.shutdown unprovided")) }
        if failAt == "mount" || failAt == "boot" { #expect(!steps.contains("steps.shutdown unprovided")) }
    }

    @Test(arguments: TestBackend.all)
    func aPluginThatFailsToConfigureLeavesTheEarlierOnesShutDown(backend: TestBackend) async throws {
        let (steps, error) = try await Self.run(failAt: "configure", backend: backend)
        #expect((error as? KernelStartupError)?.code == .configuration)
        #expect((error as? KernelStartupError)?.plugin == "steps")
        // `steps` never passed configure; `first` did.
        #expect(steps == ["steps.configure", "first.shutdown"])
    }

    @Test(arguments: TestBackend.all)
    func aBootFailureCarriesItsCodeAndPlugin(backend: TestBackend) async throws {
        let (_, error) = try await Self.run(failAt: "boot", backend: backend)
        let startup = try #require(error as? KernelStartupError)
        #expect(startup.code == .boot && startup.plugin == "steps")
        #expect(startup.message.contains("plugin 'steps' failed to boot"))
    }

    @Test(arguments: TestBackend.all)
    func anInspectingRunProvidesMountsAndShutsDownWithoutBooting(backend: TestBackend) async throws {
        let (steps, error) = try await Self.run(failAt: nil, backend: backend, options: .init(migrate: false, boot: false))
        #expect(error == nil)
        #expect(steps.count == 5 && steps[0] == "steps.configure" && steps[1] == "steps.provide" && steps[4] == "first.shutdown")
        #expect(steps[2].hasPrefix("steps.mount ") && steps[3].hasPrefix("steps.shutdown wired-"), "\(steps)")
        #expect(!steps.contains { $0.hasPrefix("steps.boot") })
        let onlyConfigured = try await Self.run(failAt: nil, backend: backend, options: .init(migrate: false, boot: false, mount: false))
        #expect(onlyConfigured.steps == ["steps.configure", "steps.shutdown unprovided", "first.shutdown"])
    }
}
