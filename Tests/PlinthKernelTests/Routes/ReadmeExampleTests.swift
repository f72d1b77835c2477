import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PlinthKernel
import PlinthTesting
import Testing

/// The README's plugin example is this target's `BillingExample.swift`: the same text, and it runs.
@Suite struct ReadmeExampleTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    @Test func theReadmeQuotesTheCompiledExample() throws {
        let source = try String(contentsOf: Self.root.appendingPathComponent("Tests/PlinthKernelTests/Routes/BillingExample.swift"), encoding: .utf8)
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let begin = try #require(source.range(of: "// snippet.begin\n"))
        let end = try #require(source.range(of: "// snippet.end"))
        let snippet = String(source[begin.upperBound..<end.lowerBound])
        #expect(readme.contains("```swift\nimport PlinthKernel\n\n" + snippet + "```"), "README.md's plugin example differs from BillingExample.swift")
    }

    @Test(arguments: TestBackend.all)
    func theExampleServesItsRoutes(backend: TestBackend) async throws {
        try await TestKernel.run(plugins: [PluginEntry(BillingPlugin.self)], backend: backend) { kernel in
            try await kernel.test { client in
                let json: HTTPFields = [.contentType: "application/json", .tenantID: "acme"]
                try await client.execute(uri: "/api/billing/invoices", method: .post, headers: json, body: ByteBuffer(string: #"{"id": "", "total": -1}"#)) { response async throws in
                    #expect(response.status == .unprocessableContent)
                }
                try await client.execute(uri: "/api/billing/invoices", method: .post, headers: json, body: ByteBuffer(string: #"{"id": "inv-1", "total": 1200}"#)) { response async throws in
                    #expect(response.status == .created)
                }
                try await client.execute(uri: "/api/billing/invoices/inv-1", method: .get) { response async throws in
                    let invoice = try JSONDecoder().decode(BillingPlugin.Invoice.self, from: Data(buffer: response.body))
                    #expect((invoice.id, invoice.total, invoice.currency) == ("inv-1", 1200, "EUR"))
                }
            }
        }
    }
}
