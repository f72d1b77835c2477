import Foundation
import Hummingbird
import HummingbirdTesting
import PlinthAuth
import PlinthJobs
import PlinthKernel
import PlinthStorage
import PlinthTesting
import Testing

/// `/openapi.json` of the default plugin set: valid OpenAPI 3.1, every mounted route once, and
/// each with what a client needs (schemas, security, error answers).
@Suite struct OpenAPIDocumentTests {
    @Test(arguments: TestBackend.all)
    func theDefaultPluginSetIsDocumentedRouteByRoute(backend: TestBackend) async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let plugins = [PluginEntry(AuthPlugin.self), PluginEntry(StoragePlugin.self), PluginEntry(JobsPlugin.self)]
        try await TestKernel.run(plugins: plugins, backend: backend, environment: ["PLINTH_DATA_DIR": folder]) { kernel in
            let mounted = kernel.routes.all
            let data = try await kernel.test { client in
                try await client.execute(uri: "/openapi.json", method: .get) { response in Data(buffer: response.body) }
            }
            let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
            let operations = paths.flatMap { path, methods in methods.map { (path: path, method: $0.key.uppercased(), operation: $0.value) } }

            // Every mounted route once, by method and path, and no other.
            func openAPI(_ path: String) -> String {
                "/" + path.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : $0 == "**" ? "{path}" : String($0) }.joined(separator: "/")
            }
            #expect(operations.map { $0.method + " " + $0.path }.sorted() == mounted.map { $0.method + " " + openAPI($0.path) }.sorted())
            #expect(Set(operations.compactMap { $0.operation["operationId"] as? String }).count == mounted.count)
            for plugin in ["kernel", "auth", "storage", "jobs"] {
                #expect(mounted.contains { $0.plugin == plugin }, "\(plugin) mounted nothing")
            }

            for (path, method, operation) in operations {
                let name = "\(method) \(path)"
                #expect((operation["summary"] as? String)?.isEmpty == false, "\(name) has no summary")
                let responses = try #require(operation["responses"] as? [String: Any], "\(name)")
                let security = operation["security"] as? [[String: [String]]] ?? []
                if !security.isEmpty {
                    #expect(responses["401"] != nil && responses["429"] != nil, "\(name) is authenticated without 401/429")
                    #expect(security.contains { $0.keys.contains("bearerAuth") } && security.contains { $0.keys.contains("apiKeyAuth") }, "\(name)")
                }
                if let body = (operation["requestBody"] as? [String: Any])?["content"] as? [String: [String: Any]], body["application/json"] != nil {
                    #expect(body["application/json"]?["schema"] != nil, "\(name) has a JSON body without a schema")
                    #expect(responses["422"] != nil && responses["415"] != nil, "\(name) takes JSON without 415/422")
                }
            }
            // A few that clients lean on.
            let login = try #require(paths["/api/auth/login"]?["post"])
            #expect(login["operationId"] as? String == "auth.login")
            #expect((login["security"] as? [Any])?.isEmpty == true)
            let enqueue = try #require(paths["/api/jobs"]?["post"])
            #expect(enqueue["x-permission"] as? String == "jobs.manage")
            let enqueueSchema = ((enqueue["requestBody"] as? [String: Any])?["content"] as? [String: [String: Any]])?["application/json"]?["schema"] as? [String: Any]
            #expect(((enqueueSchema?["properties"] as? [String: Any])?["type"] as? [String: Any])?["enum"] as? [String] == ["jobs.noop"])
            let download = try #require(paths["/api/storage/objects/{path}"]?["get"])
            #expect(download["operationId"] as? String == "storage.objects.get")
            let schemes = (document["components"] as? [String: Any])?["securitySchemes"] as? [String: Any]
            #expect(Set(schemes?.keys.map { $0 } ?? []) == ["bearerAuth", "apiKeyAuth", "sessionCookie", "csrfToken"])
        }
    }
}
