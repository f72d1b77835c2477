import NIOCore
import NIOHTTP1

/// One GET on a download connection, and where its answer goes.
final class DownloadExchange: Sendable {
    enum Outcome: Sendable {
        case accepted(HTTPResponseHead)
        /// A status outside `accept`, with the start of its body (S3's XML error).
        case refused(HTTPResponseStatus, text: String)
    }

    /// Succeeds once the head has arrived (for a refused answer, once its body has too);
    /// fails if the connection does first.
    let head: EventLoopPromise<Outcome>
    /// The accepted answer's body.
    let body: ReadAhead
    let accept: Set<Int>

    init(head: EventLoopPromise<Outcome>, body: ReadAhead, accept: Set<Int>) {
        self.head = head
        self.body = body
        self.accept = accept
    }
}

/// The connection's read timeout passed while an exchange was reading.
struct DownloadTimeout: Error, CustomStringConvertible {
    var description: String { "S3 sent nothing within STORAGE_TIMEOUT" }
}

/// The connection closed in the middle of an exchange.
struct DownloadConnectionClosed: Error, CustomStringConvertible {
    var description: String { "S3 closed the connection before the answer was complete" }
}

/// Runs GETs one at a time on a connection to S3 and feeds each accepted body into the
/// exchange's ``ReadAhead`` from the event loop: no thread hop per read. Reading stops while the
/// buffer is full (the client is slower than S3) and resumes once it has room, so the read
/// timeout counts only while the connection is meant to be reading.
///
/// The handler keeps its own read timer rather than an `IdleStateHandler`'s, whose clock starts
/// when the connection opens: on a busy machine the time between connecting and sending the
/// first GET would count against S3, and a fresh connection could be closed as idle before it
/// carried a single request.
final class DownloadHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    private var context: ChannelHandlerContext?
    private var exchange: DownloadExchange?
    /// Counts exchanges, so a late "room again" from a finished exchange's buffer is ignored.
    private var generation = 0
    private var headSettled = false
    private var refused: HTTPResponseStatus?
    private var errorBody = ByteBuffer()
    private var keepAlive = true
    private var paused = false
    private var readPending = false
    /// How long S3 may stay silent during an exchange, and how long the connection may stay
    /// unused between exchanges before it is closed.
    private let readTimeout: TimeAmount
    /// The last time S3 sent something or the connection was given work; the timer counts from it.
    private var lastActivity = NIODeadline.now()
    private var timer: Scheduled<Void>?
    /// Called on the loop when an exchange has ended and the connection can take another.
    private let onIdle: (any Channel) -> Void

    init(readTimeout: TimeAmount, onIdle: @escaping (any Channel) -> Void) {
        self.readTimeout = readTimeout
        self.onIdle = onIdle
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        self.context = nil
    }

    /// Sends `request` and reports its answer to `exchange`. On the channel's loop.
    func start(_ request: HTTPRequestHead, _ exchange: DownloadExchange) {
        guard let context, context.channel.isActive, self.exchange == nil else {
            exchange.head.fail(DownloadConnectionClosed())
            return
        }
        generation += 1
        self.exchange = exchange
        headSettled = false
        refused = nil
        errorBody.clear()
        keepAlive = true
        restartTimer(context)
        resume(context)
        context.write(wrapOutboundOut(.head(request)), promise: nil)
        let sent = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: sent)
        let generation = self.generation
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        sent.futureResult.whenFailure { error in
            guard handler.value.generation == generation else { return }
            handler.value.fail(error)
            handler.value.context?.close(promise: nil)
        }
    }

    func read(context: ChannelHandlerContext) {
        if paused { readPending = true } else { context.read() }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let exchange else { return }
        lastActivity = .now()
        switch unwrapInboundIn(data) {
        case .head(let head):
            keepAlive = head.isKeepAlive
            if exchange.accept.contains(Int(head.status.code)) {
                headSettled = true
                exchange.head.succeed(.accepted(head))
            } else {
                refused = head.status
            }
        case .body(var part):
            if let refused {
                let room = S3Client.errorBodyLimit - errorBody.readableBytes
                if part.readableBytes <= room {
                    errorBody.writeBuffer(&part)
                    return
                }
                // An error body this long is not S3's XML: answer with its start, and close
                // rather than read the rest.
                if let start = part.readSlice(length: room) { errorBody.writeImmutableBuffer(start) }
                self.exchange = nil
                headSettled = true
                exchange.head.succeed(.refused(refused, text: String(buffer: errorBody)))
                context.close(promise: nil)
                return
            }
            let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
            let (eventLoop, generation) = (context.eventLoop, self.generation)
            let now = exchange.body.offer(part) { result in
                eventLoop.execute {
                    guard handler.value.generation == generation, let context = handler.value.context else { return }
                    switch result {
                    case .success: handler.value.resume(context)
                    case .failure: context.close(promise: nil)
                    }
                }
            }
            switch now {
            case .success?: break
            case .failure?: context.close(promise: nil)  // the reader went away
            case nil: paused = true
            }
        case .end:
            self.exchange = nil
            // Back in the pool before the reader hears of the end, so that its next download
            // finds this connection rather than opening another.
            if keepAlive {
                restartTimer(context)
                onIdle(context.channel)
            } else {
                context.close(promise: nil)
            }
            if let refused, !headSettled {
                headSettled = true
                exchange.head.succeed(.refused(refused, text: String(buffer: errorBody)))
            } else {
                exchange.body.finish(nil)
            }
        }
    }

    /// Counts a whole timeout from now: the connection has just been given work, or put back.
    private func restartTimer(_ context: ChannelHandlerContext) {
        lastActivity = .now()
        arm(context, at: lastActivity + readTimeout)
    }

    /// Checks the connection when `deadline` comes, unless another exchange has started by then.
    private func arm(_ context: ChannelHandlerContext, at deadline: NIODeadline) {
        timer?.cancel()
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let generation = self.generation
        timer = context.eventLoop.scheduleTask(deadline: deadline) {
            guard handler.value.generation == generation else { return }
            handler.value.timerFired()
        }
    }

    private func timerFired() {
        guard let context else { return }
        let now = NIODeadline.now()
        // Waiting on a full buffer is the reader's pace, not S3's silence.
        if exchange != nil && paused {
            arm(context, at: now + readTimeout)
            return
        }
        let due = lastActivity + readTimeout
        if due > now {
            arm(context, at: due)
            return
        }
        if exchange != nil { fail(DownloadTimeout()) }
        // Or unused in the pool for a whole timeout: S3 would soon close it anyway.
        context.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        fail(DownloadConnectionClosed())
        context.fireChannelInactive()
    }

    private func resume(_ context: ChannelHandlerContext) {
        if paused { lastActivity = .now() }
        paused = false
        if readPending {
            readPending = false
            context.read()
        }
    }

    private func fail(_ error: any Error) {
        guard let exchange else { return }
        self.exchange = nil
        if headSettled {
            exchange.body.finish(error)
        } else {
            headSettled = true
            exchange.head.fail(error)
        }
    }
}
