import Foundation
import PlinthTesting

/// Builds fixture and example shared objects with the system C compiler, as a plugin author would.
enum Dylib {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let header = root + "/Sources/CPlinthABI/include"
    static let fixture = root + "/Tests/PlinthDylibTests/Fixtures/fault.c"

    /// `cc -shared -fPIC -I <header folder> <sources> -o <output> <arguments>`.
    static func compile(_ sources: [String], to output: String, _ arguments: [String] = []) async throws {
        let result = try await runTool(["cc", "-shared", "-fPIC", "-Wall", "-Werror", "-I", header] + sources + ["-o", output] + arguments)
        guard result.status == 0 else { throw ProcessTestError(message: "cc failed: \(result.stderr)") }
    }

    /// The fault fixture built with `defines` (`FAULT_BAD_MAGIC`, `PLUGIN_NAME="x"`) into `folder/name`.
    static func fixture(_ folder: String, _ name: String, _ defines: [String] = []) async throws {
        try await compile([fixture], to: folder + "/" + name, defines.map { "-D" + $0 })
    }

    /// A plugin folder inside a fresh working folder: (working folder, plugin folder).
    static func folders() throws -> (String, String) {
        let folder = try temporaryFolder()
        let plugins = folder + "/plugins.d"
        try FileManager.default.createDirectory(atPath: plugins, withIntermediateDirectories: true)
        return (folder, plugins)
    }

    /// `plinth serve` that is expected to refuse to start: its exit status and log.
    static func refusedStart(_ folder: String, _ environment: [String: String] = [:]) async throws -> (status: Int32, log: String) {
        let server = try PlinthProcess(["serve"], environment: ["PORT": "0", "PLINTH_DATA_DIR": folder + "/data", "BCRYPT_ROUNDS": "4"].merging(environment) { $1 }, directory: folder)
        let status = try await server.waitForExit(timeout: 60)
        return (status, server.log)
    }

    /// `plinth serve` started; the caller stops it.
    static func serve(_ folder: String, _ environment: [String: String] = [:]) async throws -> (PlinthProcess, String) {
        let server = try PlinthProcess(["serve"], environment: ["PORT": "0", "PLINTH_DATA_DIR": folder + "/data", "BCRYPT_ROUNDS": "4"].merging(environment) { $1 }, directory: folder)
        do { return (server, try await server.waitUntilListening()) } catch {
            server.signal(SIGKILL)
            throw error
        }
    }
}
