import Foundation
import PlinthTesting
import Testing

/// A workflow node from a C shared object, run by `plinth workflow run` next to the built-in nodes.
@Suite struct DylibWorkflowNodeTests {
    static func workflow(_ folder: String, _ json: String) throws -> String {
        let path = folder + "/workflow.json"
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func theExampleNodeRunsInAWorkflowAndItsErrorsAreEdges() async throws {
        let (folder, plugins) = try Dylib.folders()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await Dylib.compile([Dylib.root + "/Plugins/Examples/WordCountC/word_count.c"], to: plugins + "/word_count.so")
        let environment = ["PLINTH_PLUGIN_DIR": plugins, "PLINTH_DATA_DIR": folder + "/data"]
        let file = try Self.workflow(folder, """
            {"id": "count", "name": "Count", "version": "1.0.0", "initialState": {"message": "the quick  brown fox"},
             "workflow": [{"wordCount": {"text": "$.message", "success?": {"math": {"operation": "multiply", "values": ["$.wordCount", 10]}}}},
                          {"wordCount": {"text": "$.missing", "error?": {"$.failed": true}}}]}
            """)
        let run = try await PlinthProcess.run(["workflow", "run", file], environment: environment, directory: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let state = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(state["wordCount"] as? Int == 4)
        #expect(state["mathResult"] as? Int == 40)
        // Its error edge is an ordinary edge: routed, and the workflow completes.
        #expect(state["failed"] as? Bool == true)

        // Its declared config type is checked like a built-in node's.
        let typed = try Self.workflow(folder, #"{"id": "t", "name": "t", "version": "1.0.0", "workflow": [{"wordCount": {"text": 5}}]}"#)
        let refused = try await PlinthProcess.run(["workflow", "validate", typed], environment: environment, directory: folder)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("/workflow/0/wordCount/text: 'text' of node 'wordCount' must be string, not a number"), "\(refused.stderr)")

        // The catalogue names the plugin it came from.
        let (server, url) = try await Dylib.serve(folder, environment)
        let nodes = try await httpGet(url + "/workscript/nodes?source=word_count")
        server.signal(SIGTERM)
        _ = try await server.waitForExit()
        #expect(nodes.body.contains(#""id":"wordCount""#), "\(nodes.body)")
        #expect(nodes.body.contains(#""count":1"#))
    }

    @Test func aNodeIdTakenByAnotherPluginStopsStartUpNamingBoth() async throws {
        let (folder, plugins) = try Dylib.folders()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await Dylib.compile([Dylib.root + "/Tests/PlinthDylibTests/Fixtures/node_clash.c"], to: plugins + "/node_clash.so")
        let file = try Self.workflow(folder, #"{"id": "w", "name": "w", "version": "1.0.0", "workflow": ["log"]}"#)
        let run = try await PlinthProcess.run(["workflow", "run", file], environment: ["PLINTH_PLUGIN_DIR": plugins, "PLINTH_DATA_DIR": folder + "/data"], directory: folder)
        #expect(run.status == 1)
        #expect(run.stderr.contains("workflow node 'math' is contributed by both 'workscript' and 'node_clash'"), "\(run.stderr)")
    }

    @Test func aNodeWithMetadataThatIsNotJSONDoesNotLoad() async throws {
        let (folder, plugins) = try Dylib.folders()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await Dylib.compile([Dylib.root + "/Tests/PlinthDylibTests/Fixtures/node_clash.c"], to: plugins + "/node_clash.so", [#"-DNODE_ID="odd""#, #"-DNODE_SCHEMA="{not json""#])
        let run = try await PlinthProcess.run(["routes"], environment: ["PLINTH_PLUGIN_DIR": plugins, "PLINTH_DATA_DIR": folder + "/data"], directory: folder)
        #expect(run.status == 1)
        #expect(run.stderr.contains("node_clash") && run.stderr.contains("node 'odd': its metadata is not JSON"), "\(run.stderr)")
    }
}
