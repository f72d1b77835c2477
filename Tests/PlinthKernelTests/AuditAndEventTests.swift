import Foundation
import HTTPTypes
import Hummingbird
import PlinthKernel
import PlinthTesting
import SQLKit
import Testing

@Suite struct AuditAndEventTests {
    @Test(arguments: TestBackend.all)
    func auditLogIsAppendOnly(backend: TestBackend) async throws {
        try await TestKernel.run(plugins: [], backend: backend) { kernel in
            try await kernel.audit.record(AuditRecord(action: "auth.login.failed", actor: "mallory\r\nINFO forged", tenant: "acme", target: "user:1", metadata: ["ip": "127.0.0.1"], requestID: "r-1", plugin: "auth"))
            let rows = try await kernel.audit.recent()
            #expect(rows.count == 1)
            #expect(rows[0].action == "auth.login.failed" && rows[0].tenant == "acme" && rows[0].metadata == ["ip": "127.0.0.1"] && rows[0].requestID == "r-1")
            #expect(rows[0].time?.hasSuffix("Z") == true)
            await #expect(throws: (any Error).self) { try await kernel.database.sql.raw("UPDATE plinth_audit_log SET action = 'x'").run() }
            await #expect(throws: (any Error).self) { try await kernel.database.sql.raw("DELETE FROM plinth_audit_log").run() }
            #expect(try await kernel.audit.recent(action: "auth.login.failed").count == 1)
        }
    }

    @Test(arguments: TestBackend.all)
    func routeWritesAuditRowAndPublishesEventInOneTransaction(backend: TestBackend) async throws {
        let key = UUID().uuidString
        try await TestKernel.run(plugins: [PluginEntry(NotesPlugin.self)], backend: backend, environment: ["PLINTH_NOTES_RECORDER": key]) { kernel in
            let events = kernel.events.subscribe(NoteCreated.self)
            try await kernel.test { client in
                try await client.execute(uri: "/api/notes", method: .post, headers: [HTTPField.Name("x-notes-key")!: "k", .tenantID: "acme", .requestID: "req-9", .contentType: "application/json"], body: ByteBuffer(string: #"{"body":"evented"}"#)) {
                    #expect($0.status == .created)
                }
            }
            var iterator = events.makeAsyncIterator()
            let event = await iterator.next()
            #expect(event?.body == "evented")
            let audit = try await kernel.audit.recent(action: "notes.created")
            #expect(audit.first?.tenant == "acme" && audit.first?.requestID == "req-9" && audit.first?.plugin == "notes")
            for _ in 0..<50 where !LifecycleLog.steps(key).contains("notes.event:evented") { try await Task.sleep(for: .milliseconds(20)) }
            #expect(LifecycleLog.steps(key).contains("notes.event:evented"))
        }
    }

    @Test(arguments: TestBackend.all)
    func rolledBackTransactionPublishesNothing(backend: TestBackend) async throws {
        try await TestKernel.run(plugins: [], backend: backend) { kernel in
            let events = kernel.events.subscribe(NoteCreated.self)
            try? await kernel.database.transaction { _ in
                try await kernel.events.publish(NoteCreated(id: "1", body: "rolled back"), source: "test")
                throw Problem(.conflict)
            }
            try await kernel.events.publish(NoteCreated(id: "2", body: "kept"), source: "test")
            var iterator = events.makeAsyncIterator()
            let first = await iterator.next()
            // Both backends deliver on commit only.
            #expect(first?.body == "kept")
        }
    }

    @Test(arguments: TestBackend.postgresOnly)
    func eventsCrossInstancesOnPostgres(backend: TestBackend) async throws {
        let schema = "ev_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        try await TestKernel.run(plugins: [], backend: backend, schema: schema) { first in
            try await TestKernel.run(plugins: [], backend: backend, schema: schema) { second in
                let received = second.events.subscribe(NoteCreated.self)
                let envelopes = second.events.subscribe(name: nil)
                try await first.events.publish(NoteCreated(id: "x", body: "across"), source: "notes")
                var iterator = received.makeAsyncIterator()
                #expect(await iterator.next() == NoteCreated(id: "x", body: "across"))
                var all = envelopes.makeAsyncIterator()
                let envelope = await all.next()
                #expect(envelope?.origin == first.events.instanceID && envelope?.source == "notes")
            }
            try await first.database.sql.raw("DROP SCHEMA \(ident: schema) CASCADE").run()
        }
    }

    @Test func oversizedEventIsRefusedWithAClearMessage() async throws {
        try await TestKernel.run(plugins: [], backend: .sqlite) { kernel in
            do {
                try await kernel.events.publish(NoteCreated(id: "1", body: String(repeating: "x", count: 9000)), source: "notes")
                Issue.record("publish should fail")
            } catch {
                #expect("\(error)".contains("events must stay under 8000 bytes"))
            }
        }
    }
}
