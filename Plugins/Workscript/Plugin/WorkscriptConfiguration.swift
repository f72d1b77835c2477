import PlinthKernel
import PlinthWorkscriptEngine

/// The plugin's settings.
struct WorkscriptConfiguration: Sendable {
    /// `PLINTH_WORKSCRIPT_TIMEOUT`: seconds one execution may run (default 30, upstream's
    /// declared and never applied timeout).
    let timeout: Double
    /// `PLINTH_WORKSCRIPT_MAX_NODE_RUNS`: node runs one execution may make (default 100,000).
    let maxNodeRuns: Int

    static func load(_ config: PluginConfig) throws -> WorkscriptConfiguration {
        WorkscriptConfiguration(
            timeout: try config.seconds("TIMEOUT", default: 30, minimum: 0.001),
            maxNodeRuns: try config.int("MAX_NODE_RUNS", default: 100_000, range: 1...100_000_000)
        )
    }

    var limits: ExecutionLimits { ExecutionLimits(timeout: .milliseconds(Int64(timeout * 1000)), maxNodeRuns: maxNodeRuns) }
}
