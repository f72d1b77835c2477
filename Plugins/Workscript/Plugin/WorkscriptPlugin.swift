import PlinthKernel
import PlinthWorkscriptEngine

/// Workscript: JSON workflows (upstream Workscript's language, compatible with its files) run
/// by an in-process engine over a library of nodes that any plugin can extend. Provides
/// ``Workscript``.
///
/// Settings: `PLINTH_WORKSCRIPT_TIMEOUT` (30 s per execution),
/// `PLINTH_WORKSCRIPT_MAX_NODE_RUNS` (100,000 per execution).
public struct WorkscriptPlugin: SaaSPlugin {
    public static let manifest = PluginManifest(
        id: "workscript", name: "Workscript", version: "1.0.0",
        description: "JSON workflows compatible with Workscript: validate, run, and a node library plugins extend",
        kernelAPI: "^1.0.0", basePath: "/workscript"
    )

    static let validatePermission = "workscript.workflows.validate"
    static let runPermission = "workscript.workflows.run"

    let settings: WorkscriptConfiguration

    public init(context: PluginContext) throws {
        settings = try WorkscriptConfiguration.load(context.config)
    }

    public func provide(_ context: PluginContext) async throws -> Workscript {
        let workscript = Workscript(limits: settings.limits)
        try context.provide(Workscript.self, workscript)
        try context.declarePermission(Self.validatePermission, "check workflow documents", roles: ["owner", "admin", "member"])
        try context.declarePermission(Self.runPermission, "run workflow documents", roles: ["owner", "admin", "member"])
        return workscript
    }

    public func mount(_ routes: PluginRoutes, provided workscript: Workscript, context: PluginContext) throws {
        // Every plugin has provided by now, so every contributed node is known.
        try workscript.seal(contributions: context.contributions((any WorkflowNode).self))
        try routes.add(WorkflowRoutes(workscript: workscript).routes)
        try routes.add(NodeRoutes(workscript: workscript).routes)
    }
}
