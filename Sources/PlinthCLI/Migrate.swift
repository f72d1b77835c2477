import ArgumentParser
import Foundation
import PlinthKernel

/// `plinth migrate status|plan|up|down|repair [--plugin ID]`.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show, plan, apply or revert plugins' migrations.",
        discussion: "Migrations run in plugin dependency order under a cluster-wide lock; the kernel's own are listed as plugin 'kernel'."
    )

    enum Action: String, ExpressibleByArgument, CaseIterable {
        case status, plan, up, down, repair
    }

    @Argument(help: "status | plan | up | down | repair")
    var action: Action = .status

    @Option(help: "Only this plugin's migrations.")
    var plugin: String?

    @Option(help: "How many migrations `down` reverts.")
    var steps: Int = 1

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        if action == .repair && plugin == nil { throw ValidationError("'migrate repair' needs --plugin ID") }
        if steps < 1 { throw ValidationError("--steps must be at least 1") }
    }

    func run() async throws {
        try await CommandSupport.run {
            let configuration = try await CommandSupport.loadConfiguration()
            let kernel = CommandSupport.makeQuietKernel(configuration)
            try await kernel.withRunning(options: .init(migrate: false, boot: false, mount: false)) { running in
                let migrator = running.migrator
                let rows: [MigrationStatus]
                switch action {
                case .status: rows = try await migrator.status(plugin: plugin)
                case .plan: rows = try await migrator.plan(plugin: plugin)
                case .up: rows = try await migrator.up(plugin: plugin)
                case .down: rows = try await migrator.down(plugin: plugin, steps: steps)
                case .repair: rows = try await migrator.repair(plugin: plugin!)
                }
                if json {
                    let data = try JSONEncoder().encode(rows)
                    print(String(decoding: data, as: UTF8.self))
                } else if rows.isEmpty {
                    print(["status": "no migrations", "plan": "nothing to apply", "up": "nothing to apply", "down": "nothing to revert", "repair": "nothing to repair"][action.rawValue]!)
                } else {
                    let verb = ["status": "", "plan": "would apply", "up": "applied", "down": "reverted", "repair": "repaired"][action.rawValue]!
                    Table.print(header: ["PLUGIN", "MIGRATION", "STATE", "APPLIED AT"], rows: rows.map {
                        [$0.plugin, $0.name, verb.isEmpty ? $0.state.rawValue : verb, $0.appliedAt ?? "-"]
                    })
                }
            }
        }
    }
}
