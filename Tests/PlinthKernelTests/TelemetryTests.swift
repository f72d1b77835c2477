import Logging
import Foundation
import HTTPTypes
import Hummingbird
@testable import PlinthKernel
import PlinthTesting
import Testing

@Suite struct TelemetryTests {
    @Test func oneAccessLogLinePerRequestWithItsFields() async throws {
        let logs = LogCapture()
        try await TestKernel.run(plugins: [PluginEntry(NotesPlugin.self)], backend: .sqlite, logs: logs) { kernel in
            try await kernel.test { client in
                try await client.execute(uri: "/api/notes", method: .get, headers: [.requestID: "trace-me", .tenantID: "acme"]) { #expect($0.status == .ok) }
            }
        }
        let lines = logs.lines(containing: "request_id=trace-me", " request ")
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        for field in ["method=GET", "path=/api/notes", "status=200", "plugin=notes", "tenant=acme", "duration_ms="] {
            #expect(line.contains(field), "missing \(field) in \(line)")
        }
    }

    @Test func jsonLogFormatWritesOneObjectPerLine() async throws {
        let logs = LogCapture(format: "json")
        try await TestKernel.run(plugins: [PluginEntry(NotesPlugin.self)], backend: .sqlite, logs: logs) { kernel in
            try await kernel.test { client in
                try await client.execute(uri: "/health", method: .get, headers: [.requestID: "json-1"]) { #expect($0.status == .ok) }
            }
        }
        let objects = try logs.all.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        let access = try #require(objects.first { $0["request_id"] as? String == "json-1" && $0["message"] as? String == "request" })
        #expect(access["status"] as? String == "200" && access["plugin"] as? String == "kernel" && access["level"] as? String == "info")
        #expect((access["time"] as? String)?.hasSuffix("Z") == true)
        // Plugin lines carry the plugin id.
        #expect(objects.contains { $0["plugin"] as? String == "notes" && $0["message"] as? String == "applied migration" })
    }

    @Test func textLogEscapesControlCharacters() {
        let captured = LogCapture()
        captured.logger().info("login failed", metadata: ["user": "eve\r\nINFO forged line"])
        #expect(captured.all.count == 1)
        #expect(captured.all[0].contains(#"user="eve\r\nINFO forged line""#))
    }
}

extension TelemetryTests {
    @Test(arguments: ["text", "json"])
    func accessLineFastPathMatchesTheGeneralPath(format: String) {
        // The kernel's handlers write access lines without swift-log's metadata dictionaries;
        // the result must be what logging the same fields as metadata writes.
        let fast = LogCapture(format: format)
        let general = LogCapture(format: format)
        let fields: Logger.Metadata = [
            "request_id": "r-1", "method": "GET", "path": "/a b\r\n", "status": .stringConvertible(200),
            "duration_ms": "1.25", "plugin": "notes", "tenant": "acme",
        ]
        general.logger().info("request", metadata: fields)
        let logger = fast.logger()
        let handler = logger.handler as? any AccessLogFormatting
        #expect(handler?.writeAccess(AccessLogLine(requestID: "r-1", method: "GET", path: "/a b\r\n", status: 200, duration: "1.25", plugin: "notes", tenant: "acme"), label: "plinth") == true)
        func withoutTime(_ line: String) -> String {
            line.replacingOccurrences(of: #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"#, with: "T", options: .regularExpression)
        }
        #expect(fast.all.map(withoutTime) == general.all.map(withoutTime))
        #expect(fast.all.count == 1 && !fast.all[0].contains("\n"))
    }
}
