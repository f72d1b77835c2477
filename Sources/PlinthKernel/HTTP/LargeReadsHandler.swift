import NIOCore
import NIOHTTPTypes

/// Lets a connection's socket reads grow from NIO's 64 KiB cap to 1 MiB while each read fills
/// its buffer, as a large upload's do. Fewer, larger reads cut the per-read work (syscalls, TCP
/// acknowledgements, hand-offs to the request body's reader) that dominates streaming a big
/// body. Connections that send little keep small buffers: the allocator starts at 2 KiB and
/// only grows on full reads.
final class LargeReadsHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart

    func handlerAdded(context: ChannelHandlerContext) {
        // A channel without synchronous options keeps NIO's allocator: only slower, never wrong.
        try? context.channel.syncOptions?.setOption(ChannelOptions.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048, maximum: 1 << 20))
    }
}
