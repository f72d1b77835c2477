import PlinthCLI

await PlinthCLI.main(plugins: DefaultPlugins.entries)
