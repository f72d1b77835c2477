import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// Connections to S3 for streamed downloads, kept open between downloads (keep-alive).
///
/// Downloads have their own connections rather than the HTTP client's because the client reads
/// at most 64 KiB per socket read and hands each read to the reader through a task; here reads
/// grow up to 1 MiB and land in the download's buffer on the event loop. On loopback that
/// halves the CPU a 100 MB download costs (most of it is per-read work in the kernel).
final class DownloadConnections: Sendable {
    let group: any EventLoopGroup
    let tls: NIOSSLContext?
    let connectTimeout: TimeAmount
    let readTimeout: TimeAmount
    private let idle = Mutex<(channels: [(target: String, channel: any Channel)], closed: Bool)>(([], false))
    /// Idle connections kept for the next downloads. Default 8.
    let maxIdle: Int

    init(tls: Bool, connectTimeout: TimeAmount, readTimeout: TimeAmount, maxIdle: Int = 8) throws {
        self.group = MultiThreadedEventLoopGroup.singleton
        self.tls = tls ? try NIOSSLContext(configuration: .makeClientConfiguration()) : nil
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.maxIdle = maxIdle
    }

    /// An open connection to `host:port`: an idle one when there is one, else a new one.
    /// - Throws: ``DownloadConnectionsClosed`` after ``shutdown()``; the connect error.
    func acquire(host: String, port: Int, reuse: Bool) async throws -> (channel: any Channel, reused: Bool) {
        let target = "\(host):\(port)"
        if idle.withLock({ $0.closed }) { throw DownloadConnectionsClosed() }
        if reuse {
            while let channel = idle.withLock({ idle in idle.channels.lastIndex { $0.target == target }.map { idle.channels.remove(at: $0).channel } }) {
                if channel.isActive { return (channel, true) }
            }
        }
        let serverName = tls != nil && !Self.isIPAddress(host) ? host : nil
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(connectTimeout)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            // Reads start at 64 KiB and grow to 1 MiB while each one fills its buffer.
            .channelOption(ChannelOptions.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64 << 10, initial: 64 << 10, maximum: 1 << 20))
            .channelInitializer { [tls, readTimeout, target] channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tls { try pipeline.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: serverName)) }
                    try pipeline.addHTTPClientHandlers()
                    try pipeline.addHandler(DownloadHandler(readTimeout: readTimeout) { [weak self] channel in self?.release(channel, target: target) })
                }
            }
        let channel = try await bootstrap.connect(host: host, port: port).get()
        // A kept connection that closes (S3 dropped it, or it sat idle too long) leaves the pool.
        channel.closeFuture.whenComplete { [weak self] _ in
            self?.idle.withLock { idle in idle.channels.removeAll { $0.channel === channel } }
        }
        return (channel, false)
    }

    /// Keeps a connection whose exchange has ended for the next download, or closes it.
    func release(_ channel: any Channel, target: String) {
        let kept = idle.withLock { idle in
            guard !idle.closed, idle.channels.count < maxIdle else { return false }
            idle.channels.append((target, channel))
            return true
        }
        if !kept { channel.close(promise: nil) }
    }

    /// Closes the idle connections; connections in use close when their download ends.
    func shutdown() async {
        let channels = idle.withLock { idle in
            idle.closed = true
            defer { idle.channels = [] }
            return idle.channels
        }
        for (_, channel) in channels { try? await channel.close() }
    }

    static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }
}

/// The storage plugin is stopping: no new download connections.
struct DownloadConnectionsClosed: Error, CustomStringConvertible {
    var description: String { "the storage client has shut down" }
}
