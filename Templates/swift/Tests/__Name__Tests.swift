import Hummingbird
import HummingbirdTesting
import Plinth__Name__
import PlinthKernel
import PlinthTesting
import Testing

@Suite struct __Name__Tests {
    @Test(arguments: TestBackend.all)
    func greetsAndCountsVisits(backend: TestBackend) async throws {
        try await TestKernel.run(plugins: [PluginEntry(__Name__Plugin.self)], backend: backend, environment: ["PLINTH___NAME___GREETING": "hi"]) { kernel in
            try await kernel.test { client in
                try await client.execute(uri: "/api/__name__/greet/ann", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body) == "hi ann (visit 1)")
                }
                try await client.execute(uri: "/api/__name__/greet/ann", method: .get) { response in
                    #expect(String(buffer: response.body) == "hi ann (visit 2)")
                }
                try await client.execute(uri: "/openapi.json", method: .get) { response in
                    #expect(String(buffer: response.body).contains(#""operationId":"__name__.greet""#))
                }
            }
        }
    }
}
