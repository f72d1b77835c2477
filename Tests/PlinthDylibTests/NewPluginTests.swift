import Foundation
import PlinthTesting
import Testing

/// `plinth new plugin`: bad names are refused and nothing is written; a rendered C template
/// builds and serves. (scripts/test-templates renders and runs all three templates.)
@Suite struct NewPluginTests {
    static func listing(_ folder: String) -> [String] {
        (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []).sorted()
    }

    @Test func badNamesGetOneClearLineAndWriteNothing() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let localPlugins = Dylib.root + "/Sources/plinth/LocalPlugins.swift"
        let before = try String(contentsOfFile: localPlugins, encoding: .utf8)
        let cases: [([String], String)] = [
            (["new", "plugin", "", "--template", "dylib-c"], "give the plugin a name"),
            (["new", "plugin", "../x", "--template", "dylib-c"], "'../x' is not a plugin name"),
            (["new", "plugin", "Auth", "--template", "dylib-c"], "a plugin with id 'auth' already exists"),
            (["new", "plugin", "Storage"], "a plugin with id 'storage' already exists"),
            (["new", "plugin", "Billing", "--template", "dylib-swift"], "'Billing' is not a plugin name"),
            (["new", "plugin", "billing", "--template", "rust"], "unknown template 'rust'"),
        ]
        for (arguments, expected) in cases {
            let result = try await PlinthProcess.run(arguments, directory: folder)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr.contains(expected), "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(Self.listing(folder).isEmpty, "\(arguments) wrote \(Self.listing(folder))")
        }
        #expect(try String(contentsOfFile: localPlugins, encoding: .utf8) == before)
        // An existing folder is not overwritten.
        try FileManager.default.createDirectory(atPath: folder + "/taken", withIntermediateDirectories: true)
        let taken = try await PlinthProcess.run(["new", "plugin", "taken", "--template", "dylib-c"], directory: folder)
        #expect(taken.status == 1)
        #expect(taken.stderr.contains("already exists; nothing was written"))
        #expect(Self.listing(folder) == ["taken"])
    }

    @Test func theCTemplateRendersBuildsAndServes() async throws {
        let (folder, plugins) = try Dylib.folders()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let created = try await PlinthProcess.run(["new", "plugin", "acme_notes", "--template", "dylib-c"], directory: folder)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(Self.listing(folder + "/acme_notes") == ["Makefile", "README.md", "acme_notes.c", "test.sh"])
        let source = try String(contentsOfFile: folder + "/acme_notes/acme_notes.c", encoding: .utf8)
        #expect(source.contains(#".name = "acme_notes""#) && !source.contains("__name__"))
        try await Dylib.compile([folder + "/acme_notes/acme_notes.c"], to: plugins + "/acme_notes.so")
        let (server, url) = try await Dylib.serve(folder)
        defer { server.signal(SIGTERM) }
        #expect(try await httpGet(url + "/api/acme_notes/greet/ann").body == "hello ann (visit 1)")
        _ = try await server.waitForLine(containing: "acme_notes booted", timeout: 10)
    }
}
