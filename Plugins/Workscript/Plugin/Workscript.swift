import PlinthKernel
import PlinthWorkscriptEngine
import Synchronization

/// The Workscript plugin's service: parses, validates and runs workflows over the nodes of
/// every plugin. Plugins that depend on `workscript` resolve it with
/// `context.require(Workscript.self)`; they add nodes with
/// ``PlinthKernel/PluginContext/contributeWorkflowNode(_:)``.
public final class Workscript: Sendable {
    public let limits: ExecutionLimits
    /// Built once every plugin has provided (at mount); the built-in nodes until then.
    private let sealed = Mutex<NodeRegistry?>(nil)

    init(limits: ExecutionLimits) { self.limits = limits }

    /// The nodes workflows can use.
    public var registry: NodeRegistry { sealed.withLock { $0 } ?? NodeLibrary.registry() }

    /// The built-in nodes plus every plugin's contributions.
    /// - Throws: ``KernelStartupError`` naming both plugins when two contribute the same id.
    func seal(contributions: [(plugin: String, value: any WorkflowNode)]) throws {
        var registry = NodeLibrary.registry()
        for (plugin, node) in contributions {
            do { try registry.register(node, source: plugin) } catch {
                throw KernelStartupError("\(error)", code: .mount, plugin: plugin)
            }
        }
        sealed.withLock { $0 = registry }
    }

    public func validate(_ document: ScriptValue) -> [WorkflowIssue] {
        WorkflowParser(registry: registry).validate(document)
    }

    public func parse(_ document: ScriptValue) throws(WorkflowInvalid) -> Workflow {
        try WorkflowParser(registry: registry).parse(document)
    }

    /// Runs `workflow` within the plugin's limits.
    public func run(_ workflow: Workflow, initialState: ScriptObject? = nil, trace: Bool = false, observers: [any WorkflowObserver] = []) async -> ExecutionResult {
        await WorkflowEngine(limits: limits, observers: observers, recordsTrace: trace).run(workflow, initialState: initialState)
    }
}

extension PluginContext {
    /// Step 5: makes `node` available to every workflow, under this plugin's name. Its id must
    /// be unique across plugins; a clash stops start-up naming both.
    public func contributeWorkflowNode(_ node: any WorkflowNode) {
        contribute((any WorkflowNode).self, node)
    }
}
