import Foundation
import PlinthTesting
import Testing

/// ABI 1.1: a shared object's route with its declaration: listed in /openapi.json with its
/// schemas, its body checked before the handler, an invalid schema a load error; and a 1.0
/// plugin still loads.
@Suite struct DeclaredRouteTests {
    static let fixture = Dylib.root + "/Tests/PlinthDylibTests/Fixtures/declared.c"

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test(arguments: TestBackend.all)
    func aDeclaredRouteIsDocumentedAndItsBodyCheckedBeforeTheHandler(backend: TestBackend) async throws {
        let (folder, plugins) = try Dylib.folders()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await Dylib.compile([Self.fixture], to: plugins + "/declared.so")
        let (environment, drop) = try await ProcessDatabase.make(backend, folder: folder + "/data")
        let (server, url) = try await Dylib.serve(folder, environment.merging(["PLINTH_PLUGINS": "declared"]) { $1 })
        defer { server.signal(SIGKILL) }

        let document = try await httpGet(url + "/openapi.json").body
        let create = try #require(((try Self.object(document)["paths"] as? [String: Any])?["/api/declared/notes"] as? [String: Any])?["post"] as? [String: Any])
        #expect(create["operationId"] as? String == "declared.notes.create")
        #expect(create["summary"] as? String == "Create a note")
        let body = ((create["requestBody"] as? [String: Any])?["content"] as? [String: Any])?["application/json"] as? [String: Any]
        let text = ((body?["schema"] as? [String: Any])?["properties"] as? [String: Any])?["text"] as? [String: Any]
        #expect(text?["maxLength"] as? Int == 20)
        let responses = try #require(create["responses"] as? [String: Any])
        let created = ((responses["201"] as? [String: Any])?["content"] as? [String: Any])?["application/json"] as? [String: Any]
        #expect((created?["schema"] as? [String: Any])?["required"] as? [String] == ["calls"])
        #expect(responses["422"] != nil)

        let json = ["content-type": "application/json"]
        for (bad, pointer) in [(#"{"text": ""}"#, "/text"), (#"{"text": "far too long for a note here"}"#, "/text"), (#"{"note": "x"}"#, "/note")] {
            let answer = try await httpPost(url + "/api/declared/notes", body: bad, headers: json)
            #expect(answer.status == 422, "\(bad)")
            #expect((try Self.object(answer.body)["errors"] as? [[String: String]])?.contains { $0["pointer"] == pointer } == true, "\(answer.body)")
        }
        #expect(try await httpPost(url + "/api/declared/notes", body: #"{"text": "hi"}"#, headers: ["content-type": "text/plain"]).status == 415)
        // The first request that reaches the handler is its first call.
        let good = try await httpPost(url + "/api/declared/notes", body: #"{"text": "hi"}"#, headers: json)
        #expect(good.status == 201)
        #expect(good.body == #"{"calls":1}"#)
        server.signal(SIGTERM)
        _ = try await server.waitForExit()
        try await drop()
    }

    @Test func aSchemaThatIsNotJSONSchemaStopsTheLoadNamingTheFileAndRoute() async throws {
        let (folder, plugins) = try Dylib.folders()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await Dylib.compile([Self.fixture], to: plugins + "/declared.so", ["-DBAD_SCHEMA"])
        let (status, log) = try await Dylib.refusedStart(folder, ["PLINTH_PLUGINS": "declared"])
        #expect(status != 0)
        #expect(log.contains(plugins + "/declared.so"), "\(log)")
        #expect(log.contains("route POST notes: request_schema #/type: unknown type 'text'"), "\(log)")
    }

    @Test func aPluginBuiltForABI10LoadsUnchanged() async throws {
        let (folder, plugins) = try Dylib.folders()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await Dylib.compile([Self.fixture], to: plugins + "/declared.so", ["-DABI_1_0"])
        let (server, url) = try await Dylib.serve(folder, ["PLINTH_PLUGINS": "declared"])
        defer { server.signal(SIGKILL) }
        let answer = try await httpPost(url + "/api/declared/notes", body: "anything", headers: ["content-type": "text/plain"])
        #expect(answer.status == 201)
        let document = try await httpGet(url + "/openapi.json").body
        #expect(document.contains(#""operationId":"declared.post.notes""#))
    }
}
