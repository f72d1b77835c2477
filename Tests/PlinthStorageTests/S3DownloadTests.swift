import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import PlinthKernel
@testable import PlinthStorage
import Synchronization
import Testing

/// Downloads stream from S3 on connections of their own, read ahead into a bounded buffer:
/// what a user sees when S3 stalls mid-body, when the reader is slower than S3, and when a
/// kept connection has been closed by S3.
@Suite struct S3DownloadTests {
    static func withClient(port: Int, timeout: Double = 30, attempts: Int = 3, _ body: (S3Client) async throws -> Void) async throws {
        var settings = try StorageDriver.settings(endpoint: "http://127.0.0.1:\(port)", bucket: "files")
        settings.timeout = timeout
        settings.maxAttempts = attempts
        try await withS3Client(settings, body)
    }

    /// `blocks` blocks of 64 KiB, each starting with its number, so a lost or repeated chunk shows.
    static func pattern(blocks: Int) -> ByteBuffer {
        let filler = ByteBuffer(bytes: (0..<(65536 - 4)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        var buffer = ByteBuffer()
        buffer.reserveCapacity(blocks * 65536)
        for block in 0..<blocks {
            buffer.writeInteger(UInt32(block))
            buffer.writeImmutableBuffer(filler)
        }
        return buffer
    }

    /// An S3 stand-in that sends the first 1000 bytes of a `size`-byte object, goes silent for
    /// five seconds, then sends the rest.
    static func stallingServer(size: Int) -> some ApplicationProtocol {
        let router = Router()
        router.get("**") { _, _ -> Response in
            Response(status: .ok, body: ResponseBody(contentLength: size) { writer in
                try await writer.write(ByteBuffer(repeating: 1, count: 1000))
                try await Task.sleep(for: .seconds(5))
                try await writer.write(ByteBuffer(repeating: 1, count: size - 1000))
                try await writer.finish(nil)
            })
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    @Test func aDownloadThatStallsMidBodyFailsAfterTheReadTimeout() async throws {
        try await Self.stallingServer(size: 2_000_000).test(.live) { server in
            try await Self.withClient(port: server.port!, timeout: 1) { client in
                let object = try await S3BlobStore(client: client).get(try BlobKey(system: "stalls.bin"))
                await #expect(throws: DownloadTimeout.self) { _ = try await object.body.collect(upTo: 4 << 20) }
            }
        }
    }

    @Test func aReaderSlowerThanTheTimeoutStillGetsEveryByte() async throws {
        // Four times the read-ahead buffer: S3 is made to wait on the reader.
        let size = 16 << 20
        let content = Self.pattern(blocks: size / 65536)
        let router = Router()
        router.get("**") { _, _ -> Response in
            Response(status: .ok, body: ResponseBody(byteBuffer: content))
        }
        try await Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0))).test(.live) { server in
            try await Self.withClient(port: server.port!, timeout: 1) { client in
                let object = try await S3BlobStore(client: client).get(try BlobKey(system: "big.bin"))
                var received = ByteBuffer()
                var batches = 0
                try await object.body.streamBatches { chunks in
                    batches += 1
                    // Reading stops while the buffer is full; waiting on the reader is not a stall.
                    if batches == 1 { try await Task.sleep(for: .seconds(3)) }
                    for var chunk in chunks { received.writeBuffer(&chunk) }
                }
                #expect(received.readableBytes == size)
                #expect(received == content)
            }
        }
    }

    @Test func downloadsOneAfterAnotherShareAConnection() async throws {
        let server = try await KeepAliveServer.start(answersPerConnection: .max)
        defer { server.stop() }
        try await Self.withClient(port: server.port) { client in
            let store = S3BlobStore(client: client)
            for _ in 0..<3 {
                let object = try await store.get(try BlobKey(system: "a.txt"))
                #expect(String(buffer: try await object.body.collect(upTo: 100)) == "answer")
            }
        }
        #expect(server.connections == 1)
    }

    @Test func aConnectionUnusedForTheReadTimeoutIsClosed() async throws {
        let server = try await KeepAliveServer.start(answersPerConnection: .max)
        defer { server.stop() }
        try await Self.withClient(port: server.port, timeout: 1) { client in
            let store = S3BlobStore(client: client)
            for _ in 0..<2 {
                let object = try await store.get(try BlobKey(system: "a.txt"))
                #expect(String(buffer: try await object.body.collect(upTo: 100)) == "answer")
                try await Task.sleep(for: .seconds(3))
            }
        }
        #expect(server.connections == 2)
        #expect(server.closed == 2)
    }

    @Test func aNewConnectionIsNotClosedAsIdleBeforeItsFirstRequest() async throws {
        // On a busy machine the first GET can go out later than the read timeout after connecting.
        let server = try await KeepAliveServer.start(answersPerConnection: .max)
        defer { server.stop() }
        try await Self.withClient(port: server.port, timeout: 1) { client in
            let opened = try await client.downloads.acquire(host: "127.0.0.1", port: server.port, reuse: false)
            try await Task.sleep(for: .seconds(3))
            client.downloads.release(opened.channel, target: "127.0.0.1:\(server.port)")
            let object = try await S3BlobStore(client: client).get(try BlobKey(system: "a.txt"))
            #expect(String(buffer: try await object.body.collect(upTo: 100)) == "answer")
        }
        #expect(server.connections == 1)
        #expect(server.requests == 1)
    }

    @Test func cancellingAReaderStopsItWhileS3IsSilent() async throws {
        try await Self.stallingServer(size: 2000).test(.live) { server in
            try await Self.withClient(port: server.port!) { client in
                let object = try await S3BlobStore(client: client).get(try BlobKey(system: "stalls.bin"))
                let reader = Task { try await object.body.collect(upTo: 1 << 20) }
                try await Task.sleep(for: .milliseconds(200))
                reader.cancel()
                // Without cancellation the reader would get all 2000 bytes once S3 resumes.
                await #expect(throws: CancellationError.self) { _ = try await reader.value }
            }
        }
    }

    @Test func aBodyNobodyReadsClosesItsConnection() async throws {
        // Larger than the read-ahead buffer, so the connection waits on a reader.
        let server = try await KeepAliveServer.start(answersPerConnection: .max, body: ByteBuffer(repeating: 7, count: 16 << 20))
        defer { server.stop() }
        try await Self.withClient(port: server.port) { client in
            // The client left before the response began: the body is dropped unread.
            _ = try await S3BlobStore(client: client).get(try BlobKey(system: "big.bin"))
            let deadline = ContinuousClock.now + .seconds(10)
            while server.closed == 0 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(server.closed == 1)
    }

    @Test func anErrorAnswerLeavesTheConnectionForTheNextDownload() async throws {
        let server = try await KeepAliveServer.start(answersPerConnection: .max)
        defer { server.stop() }
        try await Self.withClient(port: server.port) { client in
            let store = S3BlobStore(client: client)
            await #expect(throws: BlobStoreError.notFound("system/missing.txt")) { _ = try await store.get(try BlobKey(system: "missing.txt")) }
            let object = try await store.get(try BlobKey(system: "a.txt"))
            #expect(String(buffer: try await object.body.collect(upTo: 100)) == "answer")
        }
        #expect(server.connections == 1)
        #expect(server.requests == 2)
    }

    @Test func aKeptConnectionThatS3ClosedIsReplacedWithoutARetry() async throws {
        // Drops each connection when a second request arrives on it: what happens when S3
        // closes an idle connection just as a download reuses it.
        let server = try await KeepAliveServer.start(answersPerConnection: 1)
        defer { server.stop() }
        try await Self.withClient(port: server.port, attempts: 1) { client in
            let store = S3BlobStore(client: client)
            for _ in 0..<3 {
                let object = try await store.get(try BlobKey(system: "a.txt"))
                #expect(String(buffer: try await object.body.collect(upTo: 100)) == "answer")
            }
        }
        // The second and third downloads each tried the kept connection, then a new one.
        #expect(server.requests == 5)
        #expect(server.connections == 3)
    }
}

/// An HTTP server that answers `answersPerConnection` requests per connection with keep-alive,
/// then closes the connection without an answer when another request arrives on it. It answers
/// `body`, or S3's 404 for a key containing "missing".
final class KeepAliveServer: Sendable {
    final class Counts: Sendable { let value = Mutex((connections: 0, requests: 0, closed: 0)) }

    let channel: any Channel
    let counts: Counts

    init(channel: any Channel, counts: Counts) {
        self.channel = channel
        self.counts = counts
    }

    var port: Int { channel.localAddress!.port! }
    var connections: Int { counts.value.withLock { $0.connections } }
    var requests: Int { counts.value.withLock { $0.requests } }
    /// Connections the client has closed.
    var closed: Int { counts.value.withLock { $0.closed } }

    static func start(answersPerConnection: Int, body: ByteBuffer = ByteBuffer(string: "answer")) async throws -> KeepAliveServer {
        let counts = Counts()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                counts.value.withLock { $0.connections += 1 }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(answers: answersPerConnection, body: body, counts: counts))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return KeepAliveServer(channel: channel, counts: counts)
    }

    func stop() { channel.close(promise: nil) }

    final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let answers: Int
        let body: ByteBuffer
        let counts: Counts
        var requests = 0
        var missing = false

        init(answers: Int, body: ByteBuffer, counts: Counts) {
            self.answers = answers
            self.body = body
            self.counts = counts
        }

        func channelInactive(context: ChannelHandlerContext) {
            counts.value.withLock { $0.closed += 1 }
            context.fireChannelInactive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let part = unwrapInboundIn(data)
            if case .head(let head) = part { missing = head.uri.contains("missing") }
            guard case .end = part else { return }
            counts.value.withLock { $0.requests += 1 }
            requests += 1
            guard requests <= answers else {
                context.close(promise: nil)
                return
            }
            let body = missing ? ByteBuffer(string: "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>") : self.body
            var head = HTTPResponseHead(version: .http1_1, status: missing ? .notFound : .ok)
            head.headers.add(name: "content-length", value: String(body.readableBytes))
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
