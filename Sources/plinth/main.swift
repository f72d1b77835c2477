import PlinthCLI
import PlinthWorkscript

await PlinthCLI.main(plugins: DefaultPlugins.entries, commands: [WorkflowCommand.self])
