import JobsFixture
import PlinthCLI
import PlinthJobs
import PlinthKernel
import PlinthStorage

// `plinth` with a fixture plugin whose job types leave countable side effects, for the tests
// and benchmarks that run several real worker processes.
await PlinthCLI.main(plugins: [PluginEntry(StoragePlugin.self), PluginEntry(JobsPlugin.self), PluginEntry(JobsFixturePlugin.self)])
