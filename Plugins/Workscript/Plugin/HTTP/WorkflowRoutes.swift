import Hummingbird
import PlinthKernel
import PlinthWorkscriptEngine

/// `POST /workscript/workflows/validate` and `POST /workscript/workflows/run`: check or run a
/// posted definition (stored workflows, executions and automations come with persistence).
struct WorkflowRoutes {
    let workscript: Workscript

    /// The document as far as JSON Schema can say it: the top-level rules the parser checks.
    /// Steps stay open (node types are registered at run time, each with its own config), so a
    /// document this accepts can still be refused with 422 naming the step.
    static let documentSchema: Schema = {
        var id = Schema.string
        id.pattern = "^[A-Za-z0-9_-]+$"
        var name = Schema.string
        name.minLength = 1
        var version = Schema.string
        version.pattern = "^[0-9]+\\.[0-9]+\\.[0-9]+$"
        var steps = Schema.array(of: .any)
        steps.minItems = 1
        return Schema.object([
            .init("id", id), .init("name", name), .init("version", version),
            .init("description", .string, required: false), .init("initialState", .map(of: .any), required: false),
            .init("workflow", steps),
        ]).allowingUnknownMembers().described("a Workscript workflow document")
    }()

    var routes: [Route] {
        [
            Route.post("workflows/validate", id: "workscript.workflows.validate", "Check a workflow document")
                .describe("The body is the document itself, as upstream takes it. Answers 200 with `valid` and every problem (`pointer`, a JSON pointer into the document, and `message`), also when it is not valid.")
                .requires(.permission(WorkscriptPlugin.validatePermission))
                .jsonBody(.any)
                .responds(.ok, schema: .object([.init("valid", .boolean), .init("errors", .array(of: .object([.init("pointer", .string), .init("message", .string)])))]))
                .handle { input, _ in
                    let issues = workscript.validate(try ScriptResponse.document(input.body))
                    return ScriptResponse.json(["valid": .bool(issues.isEmpty), "errors": .array(issues.map(\.json))])
                },
            Route.post("workflows/run", id: "workscript.workflows.run", "Run a posted workflow definition")
                .describe("Runs `definition` with `initialState` merged over its own, and answers when it ends: `status` (`completed` or `failed` with `error`), `finalState`, and `trace`, one entry per node run. An invalid definition is 422 with every problem.")
                .requires(.permission(WorkscriptPlugin.runPermission))
                .jsonBody(.object([
                    .init("definition", Self.documentSchema),
                    .init("initialState", .map(of: .any), required: false),
                ]))
                .responds(.ok, schema: .object([
                    .init("executionId", .string), .init("workflowId", .string), .init("status", .oneOf(["completed", "failed"])),
                    .init("finalState", .map(of: .any), required: false), .init("error", .string, required: false),
                    .init("trace", .array(of: .any), required: false),
                ]).allowingUnknownMembers())
                .problems(.unprocessableContent)
                .handle { input, _ in try await run(try ScriptResponse.document(input.body)) },
        ]
    }

    func run(_ body: ScriptValue) async throws -> Response {
        let workflow: Workflow
        do throws(WorkflowInvalid) { workflow = try workscript.parse(body["definition"]) } catch {
            throw ScriptResponse.invalid(error.issues, under: "/definition")
        }
        let result = await workscript.run(workflow, initialState: body["initialState"].objectValue, trace: true)
        return ScriptResponse.json(result.json)
    }
}
