import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PlinthKernel
import PlinthTesting
import SQLKit
import Testing

@Suite struct SessionTests {
    func cookie(_ response: TestResponse) -> (pair: String, attributes: String)? {
        guard let header = response.headers[.setCookie] else { return nil }
        let pair = String(header.split(separator: ";")[0])
        return (pair, header)
    }

    @Test(arguments: TestBackend.all)
    func sessionLifecycleOverCookies(backend: TestBackend) async throws {
        try await TestKernel.run(plugins: [PluginEntry(NotesPlugin.self)], backend: backend) { kernel in
            let database = kernel.database
            try await kernel.test { client in
                var first = ""
                try await client.execute(uri: "/api/notes/session", method: .post) { response async throws in
                    let set = try #require(cookie(response))
                    #expect(set.pair.hasPrefix("plinth_session="))
                    #expect(set.attributes.contains("HttpOnly") && set.attributes.contains("SameSite=Lax") && set.attributes.contains("Path=/"))
                    #expect(set.attributes.contains("Max-Age=86400"))
                    #expect(!set.attributes.contains("Secure") && !set.attributes.contains("Domain"))
                    first = set.pair
                }
                try await client.execute(uri: "/api/notes/session", method: .get, headers: [.cookie: first]) { response async throws in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body) == "user-1")
                }
                // Stored as a hash: the raw id is nowhere in the table.
                let rawID = String(first.dropFirst("plinth_session=".count))
                #expect(rawID.count >= 43)
                let rows = try await database.sql.raw("SELECT id_hash FROM plinth_sessions").all()
                #expect(rows.count == 1)
                #expect(try rows[0].decode(column: "id_hash", as: String.self) != rawID)

                // Rotation (as at login): new id works, old id is dead.
                var second = ""
                try await client.execute(uri: "/api/notes/session", method: .post, headers: [.cookie: first]) { response async throws in
                    second = try #require(cookie(response)).pair
                }
                #expect(second != first)
                try await client.execute(uri: "/api/notes/session", method: .get, headers: [.cookie: first]) { #expect($0.status == .unauthorized) }
                try await client.execute(uri: "/api/notes/session", method: .get, headers: [.cookie: second]) { #expect($0.status == .ok) }

                // Server-side invalidation: the cookie is cleared and replaying it fails.
                try await client.execute(uri: "/api/notes/session", method: .delete, headers: [.cookie: second]) { response async throws in
                    #expect(cookie(response)?.attributes.contains("Max-Age=0") == true)
                }
                try await client.execute(uri: "/api/notes/session", method: .get, headers: [.cookie: second]) { #expect($0.status == .unauthorized) }
            }
        }
    }

    @Test func httpsBaseURLMakesCookiesSecureWithHostPrefix() async throws {
        try await TestKernel.run(plugins: [PluginEntry(NotesPlugin.self)], backend: .sqlite, environment: ["API_BASE_URL": "https://api.example.com", "SESSION_EXPIRY": "2h"]) { kernel in
            try await kernel.test { client in
                try await client.execute(uri: "/api/notes/session", method: .post) { response async throws in
                    let set = try #require(response.headers[.setCookie])
                    #expect(set.hasPrefix("__Host-plinth_session="))
                    #expect(set.contains("Secure") && set.contains("Max-Age=7200"))
                }
            }
        }
    }

    @Test(arguments: TestBackend.all)
    func expiredSessionsAreRejectedAndPurged(backend: TestBackend) async throws {
        let clock = ManualClock()
        try await TestKernel.run(plugins: [PluginEntry(NotesPlugin.self)], backend: backend, environment: ["SESSION_EXPIRY": "60"], clock: clock) { kernel in
            let store = kernel.sessions
            let live = try await store.create(data: ["a": "1"], subject: "u1")
            clock.advance(by: 30)
            let later = try await store.create(subject: "u2")
            #expect(try await store.load(live)?.data == ["a": "1"])
            clock.advance(by: 31)
            #expect(try await store.load(live) == nil)
            #expect(try await store.load(later)?.subject == "u2")
            // The background purge may get there first; either way only the live session is left.
            try await store.purgeExpired()
            let left = try await kernel.database.sql.raw("SELECT COUNT(*) AS n FROM plinth_sessions").first()!.decode(column: "n", as: Int.self)
            #expect(left == 1)
            #expect(try await store.destroyAll(subject: "u2") == 1)
            #expect(try await store.load(later) == nil)
        }
    }

    @Test func purgeServiceRemovesExpiredSessionsInTheBackground() async throws {
        let clock = ManualClock()
        try await TestKernel.run(plugins: [], backend: .sqlite, environment: ["SESSION_EXPIRY": "1", "PLINTH_SESSION_PURGE_INTERVAL": "50ms"], clock: clock) { kernel in
            _ = try await kernel.sessions.create()
            clock.advance(by: 5)
            var remaining = 1
            for _ in 0..<100 where remaining > 0 {
                try await Task.sleep(for: .milliseconds(20))
                remaining = try await kernel.database.sql.raw("SELECT COUNT(*) AS n FROM plinth_sessions").first()!.decode(column: "n", as: Int.self)
            }
            #expect(remaining == 0)
        }
    }
}

extension SessionTests {
    struct FlashPlugin: SaaSPlugin {
        static let manifest = PluginManifest(id: "flash", name: "F", version: "1.0.0")
        init(context: PluginContext) throws {}
        func mount(_ routes: PluginRoutes, context: PluginContext) throws {
            try routes.add(Route.post("login", id: "test.16", "test route").requires(.public).handle { _, ctx in ctx.session.subject = "u1"; return "in" })
            try routes.add(Route.post("switch", id: "test.17", "test route").requires(.public).handle { _, ctx in ctx.session.subject = "u2"; return "switched" })
            try routes.add(Route.post("logout", id: "test.18", "test route").requires(.public).handle { _, ctx in
                ctx.session.invalidate()
                ctx.session["flash"] = "signed out"   // a write after logout must not revive the old session
                return "out"
            })
            try routes.add(Route.get("me", id: "test.19", "test route").requires(.public).handle { _, ctx in ctx.session.subject ?? "anonymous" })
        }
    }

    @Test(arguments: TestBackend.all)
    func writingAfterLogoutStartsAFreshSessionAndSubjectChangeRotates(backend: TestBackend) async throws {
        try await TestKernel.run(plugins: [PluginEntry(FlashPlugin.self)], backend: backend) { kernel in
            try await kernel.test { client in
                let first = try await client.execute(uri: "/flash/login", method: .post) { try #require(cookie($0)).pair }
                // Changing the subject of a live session issues a new id and kills the old one.
                let second = try await client.execute(uri: "/flash/switch", method: .post, headers: [.cookie: first]) { try #require(cookie($0)).pair }
                #expect(second != first)
                try await client.execute(uri: "/flash/me", method: .get, headers: [.cookie: first]) { #expect(String(buffer: $0.body) == "anonymous") }
                try await client.execute(uri: "/flash/me", method: .get, headers: [.cookie: second]) { #expect(String(buffer: $0.body) == "u2") }
                let third = try await client.execute(uri: "/flash/logout", method: .post, headers: [.cookie: second]) { try #require(cookie($0)).pair }
                #expect(third != second)
                try await client.execute(uri: "/flash/me", method: .get, headers: [.cookie: second]) { #expect(String(buffer: $0.body) == "anonymous") }
                try await client.execute(uri: "/flash/me", method: .get, headers: [.cookie: third]) { #expect(String(buffer: $0.body) == "anonymous") }
            }
        }
    }
}
