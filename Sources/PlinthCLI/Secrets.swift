import ArgumentParser
import Foundation
import PlinthKernel

/// `plinth secrets reseal`: after a key rotation, seals every declared secret with the current key.
struct Secrets: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Seal every stored secret with the current PLINTH_SECRET_KEY (after a rotation).",
        discussion: """
        Rotate a key: set the new key as PLINTH_SECRET_KEY, put the old one in PLINTH_SECRET_KEY_PREVIOUS, \
        start the instances, run `plinth secrets reseal`, then drop PLINTH_SECRET_KEY_PREVIOUS. Values in \
        the clear (written before they were sealed) are sealed too. A value that opens with none of the \
        keys is left as it is, reported, and makes the command exit 1.
        """
    )

    enum Action: String, ExpressibleByArgument, CaseIterable { case reseal }

    @Argument(help: "reseal")
    var action: Action

    func run() async throws {
        try await CommandSupport.run {
            let configuration = try await CommandSupport.loadConfiguration()
            let kernel = CommandSupport.makeQuietKernel(configuration)
            let failures = try await kernel.withRunning(options: .init(migrate: false, boot: false)) { running -> Int in
                if let pending = try await running.migrator.status().first(where: { $0.state == .pending }) {
                    throw KernelStartupError("migration \(pending.plugin) \(pending.name) is pending; run `plinth migrate up` first")
                }
                var rows: [[String]] = []
                var failed: [SecretStoreError] = []
                for column in running.secrets.declaredColumns {
                    let count = try await running.secrets.reseal(column, database: running.database)
                    rows.append([column.plugin, "\(column.table).\(column.value)", "\(count.resealed)", "\(count.current)", "\(count.failed.count)"])
                    failed += count.failed
                }
                Table.print(header: ["PLUGIN", "COLUMN", "RESEALED", "CURRENT", "FAILED"], rows: rows)
                print("key \(running.secrets.current.id) seals every value that opened")
                for failure in failed { print("not resealed: \(failure)") }
                return failed.count
            }
            if failures > 0 { throw ExitCode(1) }
        }
    }
}
