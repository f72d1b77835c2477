import NIOCore
import NIOHTTP1

extension S3Client {
    /// Starts a GET whose body streams into a read-ahead buffer (4 MiB), and answers once its
    /// head has arrived. The buffer is fed on the connection's event loop while it has room, so
    /// reading from S3 runs ahead of the reader, which takes what has arrived in batches.
    ///
    /// Retries and the breaker cover the request until its head arrives. Cancelling the buffer
    /// (the reader went away) closes the connection.
    /// - Throws: as ``send(_:key:query:headers:body:accept:)``.
    func download(key: String, headers extra: [(String, String)], accept: Set<Int>) async throws -> (head: HTTPResponseHead, body: ReadAhead) {
        try await resilient { attempt in
            try await self.downloadAttempt(key: key, headers: extra, accept: accept, attempt: attempt)
        }
    }

    private func downloadAttempt(key: String, headers extra: [(String, String)], accept: Set<Int>, attempt: Int) async throws -> (head: HTTPResponseHead, body: ReadAhead) {
        let signed = sign(.GET, key: key, query: [], headers: extra, body: nil)
        var headers = signed.headers
        headers.add(name: "host", value: signed.host)
        let request = HTTPRequestHead(version: .http1_1, method: .GET, uri: signed.target, headers: headers)
        let target = settings.connectTarget(key)
        // A kept connection the server has just closed fails before any answer: then the GET
        // (safe to send twice) goes once more on a new connection, without a retry's back-off.
        // A silent server is not that case: its timeout is the retry policy's to handle.
        var reuse = true
        while true {
            let connection: (channel: any Channel, reused: Bool)
            do {
                connection = try await downloads.acquire(host: target.host, port: target.port, reuse: reuse)
            } catch {
                throw BlobStoreError.unavailable("\(error)")
            }
            let channel = connection.channel
            let exchange = DownloadExchange(head: channel.eventLoop.makePromise(), body: ReadAhead(), accept: accept)
            exchange.body.whenCancelled { channel.close(promise: nil) }
            channel.eventLoop.execute {
                guard let handler = try? channel.pipeline.syncOperations.handler(type: DownloadHandler.self) else {
                    exchange.head.fail(DownloadConnectionClosed())
                    return
                }
                handler.start(request, exchange)
            }
            let outcome: DownloadExchange.Outcome
            do {
                outcome = try await withTaskCancellationHandler {
                    try await exchange.head.futureResult.get()
                } onCancel: {
                    channel.close(promise: nil)
                }
            } catch {
                if Task.isCancelled { throw CancellationError() }
                if connection.reused && !(error is DownloadTimeout) {
                    reuse = false
                    continue
                }
                // Connection refused, TLS failure, timeout: the server was not reached.
                throw BlobStoreError.unavailable("\(error)")
            }
            switch outcome {
            case .accepted(let head):
                return (head, exchange.body)
            case .refused(let status, let text):
                throw failure(.GET, key: key, status: status, text: text, attempt: attempt)
            }
        }
    }
}
