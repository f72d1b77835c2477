import Foundation
import HTTPTypes
import Hummingbird
import PlinthKernel
import PlinthTesting
import Synchronization
import Testing

/// `plinth serve` with OTEL_EXPORTER_OTLP_ENDPOINT set exports a span per request over OTLP/HTTP.
@Suite(.serialized) struct TracingExportTests {
    /// A stand-in collector on loopback that keeps every body posted to /v1/traces.
    final class Collector: Sendable {
        let bodies = Mutex<[Data]>([])
        var all: [Data] { bodies.withLock { $0 } }
    }

    @Test func requestSpanIsExportedWithPluginTenantAndRequestID() async throws {
        let collector = Collector()
        let router = Router()
        router.post("/v1/traces") { request, context -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 16 << 20)
            collector.bodies.withLock { $0.append(Data(buffer: body)) }
            return .ok
        }
        let port = AsyncStream<Int>.makeStream()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), onServerRunning: { channel in
            port.continuation.yield(channel.localAddress?.port ?? 0)
        })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            var ports = port.stream.makeAsyncIterator()
            let collectorPort = try #require(await ports.next())

            let dir = try temporaryFolder()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            // Without the auth plugin, which would not trust an anonymous X-Tenant-ID.
            let server = try PlinthProcess(["serve"], environment: [
                "PLINTH_PLUGINS": "storage,jobs", "PORT": "0",
                "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(collectorPort)",
                "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json",
                "OTEL_BSP_SCHEDULE_DELAY": "100",
            ], directory: dir)
            let url = try await server.waitUntilListening()
            #expect(try await httpGet(url + "/ready", headers: ["x-request-id": "span-req-1", "x-tenant-id": "acme"]).status == 200)
            server.signal(SIGTERM) // shutdown flushes the span processor
            #expect(try await server.waitForExit() == 0)

            let spans = collector.all.flatMap(Self.spans(in:))
            let span = try #require(spans.first { $0.attributes["plinth.request_id"] == "span-req-1" }, "exported: \(collector.all.map { String(decoding: $0, as: UTF8.self) })")
            #expect(span.name == "GET /ready")
            #expect(span.attributes["plinth.tenant"] == "acme")
            #expect(span.attributes["plinth.plugin"] == "kernel")
            #expect(span.attributes["http.response.status_code"] == "200")
            #expect(span.service == "api")
            group.cancelAll()
        }
    }

    struct ExportedSpan {
        let name: String
        let service: String?
        let attributes: [String: String]
    }

    /// Walks an OTLP/JSON ExportTraceServiceRequest.
    static func spans(in data: Data) -> [ExportedSpan] {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [] }
        var result: [ExportedSpan] = []
        for resourceSpans in root["resourceSpans"] as? [[String: Any]] ?? [] {
            let resource = attributes((resourceSpans["resource"] as? [String: Any])?["attributes"])
            for scope in resourceSpans["scopeSpans"] as? [[String: Any]] ?? [] {
                for span in scope["spans"] as? [[String: Any]] ?? [] {
                    result.append(ExportedSpan(name: span["name"] as? String ?? "", service: resource["service.name"], attributes: attributes(span["attributes"])))
                }
            }
        }
        return result
    }

    static func attributes(_ list: Any?) -> [String: String] {
        var result: [String: String] = [:]
        for item in list as? [[String: Any]] ?? [] {
            guard let key = item["key"] as? String, let value = item["value"] as? [String: Any], let first = value.values.first else { continue }
            result[key] = "\(first)"
        }
        return result
    }
}
