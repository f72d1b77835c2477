import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PlinthKernel
import PlinthTesting
import SQLKit
import Testing

/// Every code block of the kernel's DocC articles is a region of `DocExamples.swift`, which
/// compiles and runs here.
@Suite struct DocExamplesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func regions() throws -> [String: String] {
        let source = try String(contentsOf: root.appendingPathComponent("Tests/PlinthKernelTests/Docs/DocExamples.swift"), encoding: .utf8)
        var regions: [String: String] = [:]
        for part in source.components(separatedBy: "// doc: ").dropFirst() where !part.hasPrefix("end") {
            let name = String(part.prefix { $0 != "\n" })
            regions[name] = String(part.dropFirst(name.count + 1).components(separatedBy: "// doc: end")[0])
        }
        return regions
    }

    @Test func everyArticleQuotesCompiledCode() throws {
        let folder = Self.root.appendingPathComponent("Sources/PlinthKernel/PlinthKernel.docc")
        let regions = try Self.regions()
        var quoted = 0
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".md") {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for block in text.components(separatedBy: "```swift\n").dropFirst() {
                let code = block.components(separatedBy: "```")[0]
                #expect(regions.values.contains(code), "\(file) has a code block that is not a region of DocExamples.swift:\n\(code)")
                quoted += 1
            }
        }
        #expect(quoted >= 3)
    }

    @Test(arguments: TestBackend.all)
    func theExamplePluginStreamsItsNotesAndKeepsItsTokenSealed(backend: TestBackend) async throws {
        try await TestKernel.run(plugins: [PluginEntry(DocNotesPlugin.self)], backend: backend) { kernel in
            try await kernel.serve { port in
                let stream = try RawConnection(port: port)
                try stream.send("GET /api/docnotes/events HTTP/1.1\r\nHost: x\r\nX-Tenant-ID: acme\r\n\r\n")
                _ = try await stream.readUntilClosed(timeout: 5, until: { $0.contains(": connected") })
                let (status, id, _) = try await httpPost("http://127.0.0.1:\(port)/api/docnotes", body: "buy milk", headers: ["X-Tenant-ID": "acme", "Content-Type": "text/plain"])
                #expect(status == 201)
                let text = try await stream.readUntilClosed(timeout: 5, until: { $0.contains("buy milk") }).text
                #expect(text.contains("event: note.added") && text.contains(#""id":"\#(id)""#), "\(text)")
            }
            let store = NoteStore(database: kernel.database, secrets: kernel.secrets, channels: kernel.channels)
            try await store.keep(token: "ya29.token", named: "google")
            #expect(try await store.token(named: "google") == "ya29.token")
            let raw = try await kernel.database.sql.raw("SELECT value FROM docnotes_tokens").first()?.decode(column: "value", as: String.self) ?? ""
            #expect(raw.hasPrefix("sealed:v1:") && !raw.contains("ya29"))
        }
    }

    @Test(arguments: TestBackend.all)
    func theCachedPlanIsServedUntilItIsChangedThroughTheStore(backend: TestBackend) async throws {
        try await TestKernel.run(plugins: [], backend: backend) { kernel in
            try await kernel.database.sql.raw("CREATE TABLE docnotes_plans (tenant TEXT PRIMARY KEY, plan TEXT NOT NULL)").run()
            try await kernel.database.sql.raw("INSERT INTO docnotes_plans (tenant, plan) VALUES ('acme', 'free')").run()
            let store = PlanStore(database: kernel.database, caches: kernel.events.caches)
            #expect(try await store.plan(of: "acme") == "free")
            #expect(try await store.plan(of: "nobody") == nil)
            // A change behind the store's back is not seen within the time to live...
            try await kernel.database.sql.raw("UPDATE docnotes_plans SET plan = 'gold' WHERE tenant = 'acme'").run()
            #expect(try await store.plan(of: "acme") == "free")
            // ...one through it is, at once.
            try await store.change("acme", to: "pro")
            #expect(try await store.plan(of: "acme") == "pro")
        }
    }
}
