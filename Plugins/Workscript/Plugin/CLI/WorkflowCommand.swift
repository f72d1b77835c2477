import ArgumentParser
import Foundation
import PlinthCLI
import PlinthKernel
import PlinthWorkscriptEngine

/// `plinth workflow run FILE [--state JSON]`: runs a workflow file with every plugin's nodes
/// and prints its final state (or its problems, or why it failed).
public struct WorkflowCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "workflow", abstract: "Validate and run Workscript workflow files.",
        subcommands: [Run.self, Validate.self]
    )
    public init() {}

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run a workflow file and print its final state as JSON.")

        @Argument(help: "The workflow document (JSON).") var file: String
        @Option(help: "JSON object merged over the workflow's initialState.") var state: String?
        @Flag(help: "Print the whole result (status, error, trace) instead of the final state.") var result = false

        func run() async throws {
            let document = try WorkflowCommand.read(file)
            var initial: ScriptObject?
            if let state {
                guard case .object(let object)? = try? ScriptJSON.parse(state) else {
                    throw ValidationError("--state must be a JSON object")
                }
                initial = object
            }
            let (file, result, initialState) = (self.file, self.result, initial)
            try await PlinthCLI.withMountedKernel { running in
                let workscript = try running.services.require(Workscript.self, by: "plinth workflow")
                let workflow: Workflow
                do throws(WorkflowInvalid) { workflow = try workscript.parse(document) } catch {
                    throw WorkflowCommand.Failure(problems: error.issues, file: file)
                }
                let outcome = await workscript.run(workflow, initialState: initialState, trace: result)
                if result {
                    print(ScriptJSON.stringify(outcome.json, indent: 2) ?? "null")
                } else if let finalState = outcome.finalState {
                    print(ScriptJSON.stringify(.object(finalState), indent: 2) ?? "{}")
                }
                if outcome.status == .failed {
                    throw KernelStartupError("workflow \(workflow.id) failed: \(outcome.error ?? "unknown error")")
                }
            }
        }
    }

    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check a workflow file and list every problem with its JSON pointer.")
        @Argument(help: "The workflow document (JSON).") var file: String

        func run() async throws {
            let document = try WorkflowCommand.read(file)
            let file = self.file
            try await PlinthCLI.withMountedKernel { running in
                let issues = try running.services.require(Workscript.self, by: "plinth workflow").validate(document)
                guard issues.isEmpty else { throw WorkflowCommand.Failure(problems: issues, file: file) }
                print("\(file): valid")
            }
        }
    }

    static func read(_ file: String) throws -> ScriptValue {
        guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
        do { return try ScriptJSON.parse(Array(data)) } catch { throw ValidationError("\(file) is not JSON: \(error)") }
    }

    /// An invalid document: every problem on its own line.
    struct Failure: Error, CustomStringConvertible {
        let problems: [WorkflowIssue]
        let file: String
        var description: String {
            "\(file) is not a valid workflow (\(problems.count) problem\(problems.count == 1 ? "" : "s")):\n" + problems.map { "  \($0)" }.joined(separator: "\n")
        }
    }
}
