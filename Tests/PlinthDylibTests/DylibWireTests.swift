import Foundation
import SQLKit
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

    /// `row_column` gives every type its text form and its own type, on both databases; on
    /// PostgreSQL the oracle is PostgreSQL's own text output (`::text`), times are ISO 8601.
    @Test(arguments: TestBackend.all)
    func everyColumnComesBackAsItsTextWithItsType(backend: TestBackend) async throws {
        let (folder, plugins) = try Dylib.folders()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (database, drop) = try await ProcessDatabase.make(backend, folder: folder + "/data")
        let (server, url) = try await Self.serve(folder, plugins, database)
        defer { server.signal(SIGKILL) }
        let answer = try await httpGet(url + "/api/wire/columns/" + (backend == .sqlite ? "sqlite" : "postgres"))
        #expect(answer.status == 200, "\(answer.body)")
        var columns: [String: (type: String, bytes: [UInt8])] = [:]
        for line in answer.body.split(separator: "\n") {
            let (name, rest) = (line.prefix { $0 != "=" }, line.drop { $0 != "=" }.dropFirst())
            let (type, hex) = (rest.prefix { $0 != ":" }, Array(rest.drop { $0 != ":" }.dropFirst()))
            let bytes = stride(from: 0, to: hex.count, by: 2).map { UInt8(String(hex[$0...$0 + 1]), radix: 16)! }
            columns[String(name)] = (String(type), bytes)
        }
        func text(_ name: String) -> String? { columns[name].map { $0.type + " " + String(decoding: $0.bytes, as: UTF8.self) } }
        #expect(text("k") == "INTEGER 7")
        #expect(text("r") == "REAL 1.5")
        #expect(text("t") == "TEXT x")
        #expect(columns["b"]?.type == "BLOB" && columns["b"]?.bytes == [0x00, 0xFF])
        #expect(columns["p"]?.type == "BLOB" && columns["p"]?.bytes == [0x00, 0xFF, 0x41], "a BLOB parameter goes in and comes back as bytes")
        #expect(text("z") == "NULL ")
        guard backend != .sqlite else { return }
        #expect(text("s") == "INTEGER 3" && text("o") == "INTEGER 26" && text("inf") == "REAL Infinity")
        // PostgreSQL's own text output of the same expressions.
        let expressions = [
            "n": "12.50::numeric", "small": "-0.0012::numeric", "zero": "0::numeric",
            "large": "100000000000000000000::numeric", "u": "'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'::uuid",
            "j": #"'{"a":1}'::jsonb"#, "a": "ARRAY[1,2,3]", "ta": "ARRAY['a','b c',NULL]::text[]", "m": "ARRAY[[1,2],[3,4]]",
        ]
        let oracle: [String: String] = try await ProcessDatabase.query(backend, database) { sql in
            let select = expressions.map { "(\($0.value))::text AS \($0.key)" }.joined(separator: ", ")
            guard let row = try await sql.raw(SQLQueryString("SELECT " + select)).first() else { return [:] }
            return try Dictionary(uniqueKeysWithValues: expressions.keys.map { ($0, try row.decode(column: $0, as: String.self)) })
        }
        for (name, own) in oracle.sorted(by: { $0.key < $1.key }) {
            #expect(text(name) == "TEXT " + own, "\(name)")
        }
        // bool as its output function prints it (what psql shows; a cast to text says "true").
        #expect(text("yes") == "TEXT t" && text("no") == "TEXT f")
        #expect(text("n") == "TEXT 12.50" && text("u") == "TEXT a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
        #expect(text("ts") == "TEXT 2026-12-02T15:30:00.25Z")
        #expect(text("moon") == "TEXT 1969-07-20T20:17:40")
        #expect(text("d") == "TEXT 2026-12-02" && text("tm") == "TEXT 12:34:56")
        #expect(text("i") == "TEXT P1Y2M3DT4H5M6.5S" && text("none") == "TEXT PT0S")
        #expect(columns["pt"]?.type == "BLOB", "a type with no text form here is its binary form")
        try await drop()
    }

    @Test func aResponseOverTheLimitIs500AndCostsAtMostTheLimit() async throws {
        let (folder, plugins) = try Dylib.folders()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (server, url) = try await Self.serve(folder, plugins, ["PLINTH_PLUGIN_RESPONSE_LIMIT": "1048576"])
        defer { server.signal(SIGKILL) }
        let small = try await httpGet(url + "/api/wire/big/1024")
        #expect(small.status == 200 && small.body.utf8.count == 1 << 20)
        let over = try await httpGet(url + "/api/wire/big/1025")
        #expect(over.status == 500)
        #expect(over.headers["content-type"] == "application/problem+json")
        #expect(over.body.contains("1049600 bytes, more than the 1048576 of PLINTH_PLUGIN_RESPONSE_LIMIT"), "\(over.body)")
        _ = try await server.waitForLine(containing: "over the limit", timeout: 10)

        // At the default limit (64 MiB), a handler writing 256 MiB costs the server at most that.
        let (folder2, plugins2) = try Dylib.folders()
        defer { try? FileManager.default.removeItem(atPath: folder2) }
        let (server2, url2) = try await Self.serve(folder2, plugins2)
        defer { server2.signal(SIGKILL) }
        let before = try Self.memory(server2.processIdentifier, "VmRSS")
        #expect(try await httpGet(url2 + "/api/wire/big/262144").status == 500)
        let peak = try Self.memory(server2.processIdentifier, "VmHWM")
        #expect(peak - before < 200 << 20, "peak \(peak >> 20) MiB after \(before >> 20) MiB")
    }

    /// A field of /proc/PID/status in bytes.
    static func memory(_ pid: Int32, _ field: String) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = status.split(separator: "\n").first { $0.hasPrefix(field + ":") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
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
