import Foundation
import PlinthTesting
import PlinthWorkscriptEngine
import Testing

/// `plinth workflow run FILE`, the built executable with the default plugin set, on every
/// workflow of the corpus: it prints upstream's final state, names upstream's failure, and
/// refuses what upstream or Plinth's stricter checks refuse (``UpstreamCorpusTests`` checks
/// the engine in process; this checks what an operator sees).
@Suite struct WorkflowCommandCorpusTests {
    struct Run: Sendable {
        let name: String
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Two processes at a time: the machine has two cores, and each run starts a kernel.
    static func runAll(_ names: [String], directory: String) async throws -> [Run] {
        try await withThrowingTaskGroup(of: Run.self) { group in
            var pending = names[...]
            var runs: [Run] = []
            func start() {
                guard let name = pending.popFirst() else { return }
                let file = UpstreamCorpusTests.fixtures.appendingPathComponent("corpus/\(name).json").path
                group.addTask {
                    let result = try await PlinthProcess.run(["workflow", "run", file], environment: ["PLINTH_DATA_DIR": "\(directory)/data"], directory: directory)
                    return Run(name: name, status: result.status, stdout: result.stdout, stderr: result.stderr)
                }
            }
            start()
            start()
            while let run = try await group.next() {
                runs.append(run)
                start()
            }
            return runs
        }
    }

    @Test func everyCorpusWorkflowPrintsUpstreamsFinalState() async throws {
        let directory = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let volatile = Set((try UpstreamCorpusTests.load(UpstreamCorpusTests.fixtures.appendingPathComponent("volatile.json")).arrayValue ?? []).compactMap(\.stringValue))
        let names = UpstreamCorpusTests.names
        var mismatches: [String] = []
        for run in try await Self.runAll(names, directory: directory) {
            let expected = try UpstreamCorpusTests.load(UpstreamCorpusTests.fixtures.appendingPathComponent("upstream/\(run.name).json"))
            if expected["valid"] == false || UpstreamCorpusTests.refusedOnPurpose.contains(run.name) {
                if run.status == 0 || !run.stderr.contains("is not a valid workflow") {
                    mismatches.append("\(run.name): should be refused (exit \(run.status)): \(run.stderr.suffix(300))")
                }
                continue
            }
            if expected["status"] == "failed" {
                let message = "failed: \(expected["error"].stringValue ?? "?")"
                if run.status == 0 || !run.stderr.contains(message) {
                    mismatches.append("\(run.name): should fail with '\(message)' (exit \(run.status)): \(run.stderr.suffix(300))")
                }
                continue
            }
            guard run.status == 0, case .object(var printed)? = try? ScriptJSON.parse(run.stdout) else {
                mismatches.append("\(run.name): exit \(run.status), stdout \(run.stdout.prefix(200)), stderr \(run.stderr.suffix(300))")
                continue
            }
            printed.removeValue(forKey: DatabaseNode.stateKey)
            if UpstreamCorpusTests.mask(.object(printed), volatile) != expected["finalState"] {
                mismatches.append("\(run.name): printed \(run.stdout.prefix(300))\n  upstream \(ScriptJSON.stringify(expected["finalState"]) ?? "-")")
            }
        }
        #expect(names.count >= 150)
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(names.count) differ:\n\(mismatches.joined(separator: "\n"))")
    }
}
