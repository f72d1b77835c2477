import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import PlinthKernel
import PlinthTesting
import PlinthWorkscript
import PlinthWorkscriptEngine
import Testing

/// The plugin's routes over HTTP, on both databases (no auth plugin: the routes are open).
@Suite struct WorkflowRoutesTests {
    static func withWorkscript(_ backend: TestBackend, plugins: [PluginEntry] = [], _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await TestKernel.run(plugins: [PluginEntry(WorkscriptPlugin.self)] + plugins, backend: backend) { kernel in
            try await kernel.test(body)
        }
    }

    static func post(_ client: any TestClientProtocol, _ path: String, _ json: String) async throws -> (HTTPResponse.Status, ScriptValue) {
        try await client.execute(uri: path, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: json)) { response in
            (response.status, (try? ScriptJSON.parse(Array(buffer: response.body))) ?? .undefined)
        }
    }

    @Test(arguments: TestBackend.all)
    func validateListsEveryProblemWithItsPointer(backend: TestBackend) async throws {
        try await Self.withWorkscript(backend) { client in
            let (status, body) = try await Self.post(client, "/workscript/workflows/validate", """
                {"id": "w", "name": "w", "version": "1.0.0",
                 "workflow": [{"mystery": {}}, {"math": {"operation": "add", "values": [1, null], "success?": "nowhere"}}, {"logic": {"values": "no"}}]}
                """)
            #expect(status == .ok)
            #expect(body["valid"] == false)
            let pointers = (body["errors"].arrayValue ?? []).map { $0["pointer"].stringValue ?? "?" }
            #expect(pointers == ["/workflow/0/mystery", "/workflow/1/math/values/1", "/workflow/1/math/success?", "/workflow/2/logic/values"])
            let (_, fine) = try await Self.post(client, "/workscript/workflows/validate", #"{"id": "w", "name": "w", "version": "1.0.0", "workflow": ["log"]}"#)
            #expect(fine == ["valid": true, "errors": []])
        }
    }

    @Test(arguments: TestBackend.all)
    func runAnswersTheFinalStateAndATraceOfEveryNodeRun(backend: TestBackend) async throws {
        try await Self.withWorkscript(backend) { client in
            let (status, body) = try await Self.post(client, "/workscript/workflows/run", """
                {"definition": {"id": "sum", "name": "Sum", "version": "1.0.0", "initialState": {"total": 0},
                  "workflow": [{"range...": {"stop": 3, "current_step?": {"math": {"operation": "add", "values": ["$.total", "$.rangeValue"], "success?": {"$.total": "$.mathResult"}}}}}]},
                 "initialState": {"total": 100}}
                """)
            #expect(status == .ok)
            #expect(body["status"] == "completed")
            #expect(body["workflowId"] == "sum")
            #expect(body["executionId"].stringValue?.hasPrefix("exec_") == true)
            #expect(body["finalState"]["total"] == 103)
            // 4 range runs (3 values, then complete), 3 math runs, 3 setter runs.
            let nodes = (body["trace"].arrayValue ?? []).map { $0["node"].stringValue ?? "?" }
            #expect(nodes.filter { $0 == "range" }.count == 4)
            #expect(nodes.filter { $0 == "math" }.count == 3)
            #expect(nodes.filter { $0 == "__state_setter__" }.count == 3)
            #expect(body["trace"].arrayValue?.first?["step"] == "/workflow/0/range...")
        }
    }

    @Test(arguments: TestBackend.all)
    func aBrokenDefinitionIs422WithPointersIntoTheBodyAndAFailureIsAResult(backend: TestBackend) async throws {
        try await Self.withWorkscript(backend) { client in
            let (status, body) = try await Self.post(client, "/workscript/workflows/run", #"{"definition": {"id": "w", "name": "w", "version": "1.0.0", "workflow": [{"nope": {}}]}}"#)
            #expect(status == .unprocessableContent)
            #expect(body["errors"].arrayValue?.map { $0["pointer"] } == ["/definition/workflow/0/nope"])
            let (missing, _) = try await Self.post(client, "/workscript/workflows/run", #"{"workflowId": "stored"}"#)
            #expect(missing == .unprocessableContent)
            let (ran, failed) = try await Self.post(client, "/workscript/workflows/run", #"{"definition": {"id": "w", "name": "w", "version": "1.0.0", "workflow": [{"range...": {"stop": 2, "current_step?": null, "complete?": null}}]}}"#)
            #expect(ran == .ok)
            #expect(failed["status"] == "failed")
            #expect(failed["error"] == "Loop limit exceeded for node: range...")
            #expect(failed["finalState"] == .undefined)
        }
    }

    /// A fuzzer reads these rules from `/openapi.json`: a document the contract accepts must
    /// not break them, and one that breaks them is 422 naming every member.
    @Test func theRunContractStatesTheDocumentRulesTheParserChecks() async throws {
        try await Self.withWorkscript(.sqlite) { client in
            let document = try await client.execute(uri: "/openapi.json", method: .get) { try ScriptJSON.parse(Array(buffer: $0.body)) }
            func resolve(_ schema: ScriptValue) -> ScriptValue {
                guard let reference = schema["$ref"].stringValue else { return schema }
                return reference.split(separator: "/").dropFirst().reduce(document) { $0[String($1)] }
            }
            let body = resolve(document["paths"]["/workscript/workflows/run"]["post"]["requestBody"]["content"]["application/json"]["schema"])
            let definition = resolve(body["properties"]["definition"])["properties"]
            #expect(definition["id"]["pattern"] == "^[A-Za-z0-9_-]+$")
            #expect(definition["name"]["minLength"] == 1)
            #expect(definition["version"]["pattern"] == "^[0-9]+\\.[0-9]+\\.[0-9]+$")
            #expect(definition["workflow"]["minItems"] == 1)
            let (status, problem) = try await Self.post(client, "/workscript/workflows/run", #"{"definition": {"id": "", "name": "", "version": "1.0", "workflow": []}}"#)
            #expect(status == .unprocessableContent)
            let pointers = Set((problem["errors"].arrayValue ?? []).compactMap { $0["pointer"].stringValue })
            #expect(pointers == ["/definition/id", "/definition/name", "/definition/version", "/definition/workflow"])
        }
    }

    @Test(arguments: TestBackend.all)
    func theNodeCatalogueListsEveryNodeWithItsSource(backend: TestBackend) async throws {
        try await Self.withWorkscript(backend) { client in
            try await client.execute(uri: "/workscript/nodes", method: .get) { response in
                let body = try ScriptJSON.parse(Array(buffer: response.body))
                #expect(body["success"] == true)
                let ids = (body["nodes"].arrayValue ?? []).compactMap { $0["id"].stringValue }
                #expect(body["count"] == .number(Double(ids.count)))
                #expect(Set(["math", "logic", "transform", "empty", "log", "__state_setter__", "range"]).isSubset(of: Set(ids)))
                #expect(body["nodes"].arrayValue?.allSatisfy { $0["source"] == "workscript" } == true)
            }
            try await client.execute(uri: "/workscript/nodes/metadata/math", method: .get) { response in
                let body = try ScriptJSON.parse(Array(buffer: response.body))
                #expect(body["metadata"]["ai_hints"]["expected_edges"] == ["success", "error"])
                #expect(body["metadata"]["config"].arrayValue?.map { $0["name"] } == ["operation", "values"])
            }
            try await client.execute(uri: "/workscript/nodes/metadata/nope", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true)
            }
        }
    }
}
