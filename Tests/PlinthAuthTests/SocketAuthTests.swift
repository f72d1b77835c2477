import Foundation
import HTTPTypes
@testable import PlinthAuth
import PlinthJobs
import PlinthKernel
import PlinthTesting
import SQLKit
import Testing

/// `/ws` with the auth plugin: who a socket is, and which tenant's channels it may hear.
@Suite struct SocketAuthTests {
    static let plugins = [PluginEntry(JobsPlugin.self)]

    static func headers(_ pairs: [String: String]) -> HTTPFields {
        var fields = HTTPFields()
        for (name, value) in pairs { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        return fields
    }

    static func payload(_ value: JSONValue?, _ key: String) -> JSONValue? {
        guard case .object(let fields)? = value, case .object(let payload)? = fields["payload"] else { return nil }
        return payload[key]
    }

    static func subscribe(_ socket: SocketClient, _ channel: String) async -> JSONValue? {
        socket.send(["type": "subscribe", "channel": .string(channel)])
        return await socket.nextText(where: { $0.contains("\"channel\":\"\(channel)\"") || $0.contains("\"type\":\"error\"") })
            .flatMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) }
    }

    static func type(_ value: JSONValue?) -> JSONValue? {
        guard case .object(let fields)? = value else { return nil }
        return fields["type"]
    }

    @Test(arguments: TestBackend.all)
    func aSocketHearsOnlyTheTenantItActsIn(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend, plugins: Self.plugins, live: true) { client, _ in
            let port = try #require(client.client.port)
            let ann = try await client.signUp("ann@example.com")
            let bob = try await client.signUp("bob@example.com")
            let acme = try await client.tenant("Acme", owner: ann)
            let beta = try await client.tenant("Beta", owner: bob)

            let socket = try await SocketClient.connect(port: port, headers: Self.headers(ann.bearer.merging(["x-tenant-id": acme]) { $1 }))
            #expect(Self.type(await Self.subscribe(socket, "tenant:\(acme):jobs")) == "subscribed")
            let other = await Self.subscribe(socket, "tenant:\(beta):jobs")
            #expect(Self.type(other) == "error")
            #expect(Self.payload(other, "status") == .number(403))
            let job = try #require(try await client.post("/api/jobs", ["type": "jobs.noop"], headers: ann.bearer.merging(["x-tenant-id": acme]) { $1 }).json["id"] as? Int)
            let event = await socket.nextText(where: { $0.contains("\"channel\":\"tenant:\(acme):jobs\"") && $0.contains("\"id\":\(job)") })
            #expect(event != nil, "\(socket.received)")
            try await socket.close()

            let anonymous = try await SocketClient.connect(port: port)
            #expect(Self.payload(await Self.subscribe(anonymous, "tenant:\(acme):jobs"), "status") == .number(401))
            try await anonymous.close()
        }
    }

    @Test(arguments: TestBackend.all)
    func credentialsThatDoNotHoldCloseTheSocketWithTheReason(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend, plugins: Self.plugins, live: true) { client, _ in
            let port = try #require(client.client.port)
            let socket = try await SocketClient.connect(port: port, headers: Self.headers(["authorization": "Bearer not-a-token"]))
            let closed = try await socket.closedByServer()
            #expect(closed?.code == 1008, "\(String(describing: closed))")
            #expect(closed?.reason?.isEmpty == false)
        }
    }

    @Test(arguments: TestBackend.all)
    func signingOutClosesTheSocket(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend, plugins: Self.plugins, live: true) { client, _ in
            let port = try #require(client.client.port)
            let ann = try await client.signUp("ann@example.com")
            let socket = try await SocketClient.connect(port: port, headers: Self.headers(ann.bearer))
            #expect(await socket.next(type: "connection.welcome") != nil)
            #expect(try await client.post("/api/auth/logout", [:], headers: ann.bearer).status == 204)
            let closed = try await socket.closedByServer()
            #expect(closed?.code == 1008 && closed?.reason == "credentials-revoked", "\(String(describing: closed))")
        }
    }

    @Test(arguments: TestBackend.all)
    func theSessionCookieWorksOnlyFromAnAllowedOrigin(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend, environment: ["PLINTH_CORS_ORIGINS": "https://app.example"], plugins: Self.plugins, live: true) { client, _ in
            let port = try #require(client.client.port)
            let ann = try await client.signUp("ann@example.com")
            let acme = try await client.tenant("Acme", owner: ann)
            let login = try await client.post("/api/auth/login", ["email": "ann@example.com", "password": AuthHarness.password, "mode": "cookie"])
            let session = try #require(login.cookie("plinth_session"))

            // A raw handshake, as a browser sends it: exactly one Origin.
            @Sendable func open(from origin: String) async throws -> (text: String, bytes: [UInt8]) {
                let raw = try RawConnection(port: port)
                try raw.send("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nOrigin: \(origin)\r\nCookie: plinth_session=\(session)\r\nX-Tenant-ID: \(acme)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                let subscribe = Array(#"{"type":"subscribe","channel":"tenant:\#(acme):jobs"}"#.utf8)
                try raw.send(bytes: [0x81, 0x80 | UInt8(subscribe.count), 0, 0, 0, 0] + subscribe)
                let (bytes, _) = try await raw.readBytesUntilClosed(timeout: 10) { bytes in
                    let text = String(decoding: bytes, as: UTF8.self)
                    return text.contains("subscribed") || bytes.contains(0x88)
                }
                return (String(decoding: bytes, as: UTF8.self), bytes)
            }
            let foreign = try await open(from: "https://evil.example")
            #expect(foreign.text.contains("may not use the session cookie") && !foreign.text.contains("subscribed"), "\(foreign.text)")
            // Then a close frame with 1008.
            #expect(foreign.bytes.indices.contains { index in index + 3 < foreign.bytes.count && foreign.bytes[index] == 0x88 && foreign.bytes[index + 2] == 0x03 && foreign.bytes[index + 3] == 0xF0 })
            for origin in ["https://app.example", "http://127.0.0.1:\(port)"] {
                let allowed = try await open(from: origin)
                #expect(allowed.text.contains(#""type":"subscribed""#), "from \(origin): \(allowed.text)")
            }
        }
    }

    @Test(arguments: TestBackend.all)
    func aTicketOpensOneSocketWithTheCredentialsItWasIssuedFor(backend: TestBackend) async throws {
        try await AuthHarness.run(backend: backend, plugins: Self.plugins, live: true) { client, kernel in
            let port = try #require(client.client.port)
            let ann = try await client.signUp("ann@example.com")
            let acme = try await client.tenant("Acme", owner: ann)
            #expect(try await client.post("/ws/tickets").status == 401)
            let issued = try await client.post("/ws/tickets", [:], headers: ann.bearer.merging(["x-tenant-id": acme]) { $1 })
            #expect(issued.status == 201)
            let ticket = try #require(issued.string("ticket"))
            #expect(issued.json["expiresIn"] as? Int == 30)

            // At rest the credentials are sealed: neither the token nor the tenant can be read.
            let stored = try await kernel.database.sql.raw("SELECT credentials FROM plinth_socket_tickets").all().map { try $0.decode(column: "credentials", as: String.self) }
            #expect(stored.count == 1 && stored[0].hasPrefix("sealed:v1:") && !stored[0].contains(ann.access) && !stored[0].contains(acme))

            // A browser page on any origin: the ticket, not the cookie, is the proof.
            let socket = try await SocketClient.connect(port: port, path: "/ws?ticket=\(ticket)", headers: Self.headers(["origin": "https://elsewhere.example"]))
            #expect(Self.type(await Self.subscribe(socket, "tenant:\(acme):jobs")) == "subscribed")
            try await socket.close()

            let again = try await SocketClient.connect(port: port, path: "/ws?ticket=\(ticket)")
            let closed = try await again.closedByServer()
            #expect(closed?.code == 1008 && closed?.reason?.contains("ticket") == true, "\(String(describing: closed))")
        }
    }
}
