import Foundation
import PlinthTesting
import Testing

/// What a shared object cannot break on the wire: the host owns framing and header names, 204
/// and HEAD carry no body, an invalid status is named; and host calls made without a call or
/// after init work as the header says.
@Suite struct DylibWireTests {
    static let fixture = Dylib.root + "/Tests/PlinthDylibTests/Fixtures/wire.c"

    static func serve(_ folder: String, _ plugins: String, _ environment: [String: String] = [:]) async throws -> (PlinthProcess, String) {
        try await Dylib.compile([Self.fixture], to: plugins + "/wire.so")
        return try await Dylib.serve(folder, environment.merging(["PLINTH_PLUGINS": "wire", "PLINTH_WIRE_GREETING": "hi"]) { $1 })
    }

    @Test(arguments: TestBackend.all)
    func twoStatementsAndQuestionMarksAreRefusedOnBothDatabases(backend: TestBackend) async throws {
        let (folder, plugins) = try Dylib.folders()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (environment, drop) = try await ProcessDatabase.make(backend, folder: folder + "/data")
        let (server, url) = try await Self.serve(folder, plugins, environment)
        // The plugin answers with the reason it read back with error_message.
        let two = try await httpGet(url + "/api/wire/sql/two")
        #expect(two.status == 409)
        #expect(two.body.contains("holds more than one statement"), "\(two.body)")
        let question = try await httpGet(url + "/api/wire/sql/qmark")
        #expect(question.status == 409)
        #expect(question.body.contains("uses '?'"), "\(question.body)")
        server.signal(SIGTERM)
        _ = try await server.waitForExit()
        try await drop()
    }

    @Test func theHostFramesEveryAnswerSoAKeptAliveConnectionStaysInStep() async throws {
        let (folder, plugins) = try Dylib.folders()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (server, url) = try await Self.serve(folder, plugins)
        defer { server.signal(SIGKILL) }
        let port = try #require(Int(url.split(separator: ":").last ?? ""))
        let connection = try RawConnection(port: port)
        let request = { (method: String, path: String) in "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\n\r\n" }
        try connection.send(request("GET", "/api/wire/framing") + request("GET", "/api/wire/empty") + request("HEAD", "/api/wire/framing") + request("GET", "/health"))
        let (raw, closed) = try await connection.readUntilClosed(timeout: 10) { $0.contains(#""status":"ok""#) }
        let text = raw.lowercased()
        #expect(!closed, "the plugin's 'Connection: close' must not reach the wire")
        let answers = text.components(separatedBy: "http/1.1 ").dropFirst().map { String($0) }
        #expect(answers.count == 4, "\(raw)")
        guard answers.count == 4 else { return }
        // Framing is the host's: the body's real length, one content-type (the last set).
        #expect(answers[0].hasPrefix("200"))
        #expect(answers[0].contains("content-length: 10\r\n"))
        #expect(!answers[0].contains("content-length: 3"))
        #expect(answers[0].components(separatedBy: "content-type:").count == 2)
        #expect(answers[0].contains("content-type: text/x-last"))
        #expect(answers[0].hasSuffix("\r\n\r\n0123456789"))
        #expect(answers[1].hasPrefix("204"))
        #expect(!answers[1].contains("not for a 204"))
        // HEAD answers as GET without the body.
        #expect(answers[2].hasPrefix("200"))
        #expect(answers[2].contains("content-length: 10\r\n"))
        #expect(answers[2].hasSuffix("\r\n\r\n"))
        #expect(answers[3].hasPrefix("200"))
    }

    @Test func aStatusOutside100To599IsNamed() async throws {
        let (folder, plugins) = try Dylib.folders()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (server, url) = try await Self.serve(folder, plugins)
        defer { server.signal(SIGKILL) }
        for code in [0, 42, 700] {
            let answer = try await httpGet(url + "/api/wire/status/\(code)")
            #expect(answer.status == 500)
            #expect(answer.body.contains(code == 0 ? "set status 0, outside 100-599" : "set status \(code), outside 100-599"), "\(answer.body)")
        }
    }

    @Test func logWithoutACallIsThePluginsAndSettingsStayReadableAfterInit() async throws {
        let (folder, plugins) = try Dylib.folders()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (server, url) = try await Self.serve(folder, plugins)
        defer { server.signal(SIGKILL) }
        let boot = try await server.waitForLine(containing: "config after init:", timeout: 20)
        #expect(boot.contains("config after init: hi"), "\(boot)")
        #expect(try await httpGet(url + "/api/wire/logs").status == 200)
        let line = try await server.waitForLine(containing: "logged without a call", timeout: 10)
        #expect(line.contains("plugin=wire"), "\(line)")
        #expect(!server.log.contains("a foreign context was accepted"))
    }
}
