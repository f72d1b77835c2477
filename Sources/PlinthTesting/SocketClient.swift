import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOWebSocket
import PlinthKernel
import Synchronization

/// A WebSocket client for tests: connects to a loopback `/ws` (or any socket route), keeps every
/// text message it receives, sends on request, and reports how the server closed.
///
/// ```swift
/// let socket = try await SocketClient.connect(port: port, path: "/ws")
/// #expect(try await socket.next(type: "connection.welcome") != nil)
/// try await socket.send(["type": "subscribe", "channel": "news"])
/// ```
public final class SocketClient: Sendable {
    final class State: Sendable {
        let value = Mutex<(messages: [String], taken: Int, opened: Bool)>(([], 0, false))
    }

    private let state = State()
    private let commands: AsyncStream<String?>.Continuation
    private let run: Task<WebSocketCloseFrame?, any Error>

    private init(url: String, headers: HTTPFields) {
        let (stream, commands) = AsyncStream<String?>.makeStream()
        self.commands = commands
        let state = self.state
        var configuration = WebSocketClientConfiguration()
        configuration.additionalHeaders = headers
        configuration.maxFrameSize = 1 << 20
        run = Task {
            try await WebSocketClient.connect(url: url, configuration: configuration, logger: Logger(label: "socket-client", factory: { _ in SwiftLogNoOpLogHandler() })) { inbound, outbound, _ in
                state.value.withLock { $0.opened = true }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await message in inbound.messages(maxSize: 1 << 24) {
                            if case .text(let text) = message { state.value.withLock { $0.messages.append(text) } }
                        }
                        commands.yield(nil)
                    }
                    for await command in stream {
                        guard let command else { break }
                        try await outbound.writeTextMessage(command)
                    }
                    group.cancelAll()
                }
            }
        }
    }

    deinit {
        commands.yield(nil)
    }

    /// Connects to `ws://127.0.0.1:<port><path>` with `headers` on the upgrade request.
    public static func connect(port: Int, path: String = "/ws", headers: HTTPFields = [:]) async throws -> SocketClient {
        SocketClient(url: "ws://127.0.0.1:\(port)\(path)", headers: headers)
    }

    /// Sends `text` as one message.
    public func send(_ text: String) {
        commands.yield(text)
    }

    /// Sends `value` as one JSON message.
    public func send(_ value: JSONValue) {
        send(String(decoding: (try? JSONEncoder().encode(value)) ?? Data(), as: UTF8.self))
    }

    /// The next message not taken yet (of `type`, skipping others, when given), parsed as JSON
    /// when it is; nil after `seconds`.
    public func next(type: String? = nil, within seconds: Double = 10) async -> JSONValue? {
        guard let text = await nextText(within: seconds, where: { text in
            guard let type else { return true }
            // A cheap scan first: tests send large payloads, which a full parse per look would slow.
            return text.contains("\"type\":\"\(type)\"") && Self.type(of: text) == type
        }) else { return nil }
        return (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .string(text)
    }

    /// The next text message matching `condition`; earlier ones that do not match are skipped.
    public func nextText(within seconds: Double = 10, where condition: @escaping @Sendable (String) -> Bool = { _ in true }) async -> String? {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            let found = state.value.withLock { state -> String? in
                while state.taken < state.messages.count {
                    let text = state.messages[state.taken]
                    state.taken += 1
                    if condition(text) { return text }
                }
                return nil
            }
            if let found { return found }
            if run.isCancelled { return nil }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }

    /// Every message received so far.
    public var received: [String] { state.value.withLock { $0.messages } }

    /// Closes from this side and waits for the connection to end.
    @discardableResult
    public func close() async throws -> WebSocketCloseFrame? {
        commands.yield(nil)
        return try await run.value
    }

    /// Waits up to `seconds` for the server to close; its close code and reason, or nil when it
    /// did not close in time (the client then closes).
    public func closedByServer(within seconds: Double = 10) async throws -> (code: Int, reason: String?)? {
        let run = self.run
        let frame = try await withThrowingTaskGroup(of: WebSocketCloseFrame??.self) { group in
            group.addTask { .some(try await run.value) }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                return .none
            }
            let first = try await group.next()!
            // Awaiting a task's value ignores cancellation: close from this side so it ends.
            if case .none = first { commands.yield(nil) }
            group.cancelAll()
            return first
        }
        guard case .some(let closed) = frame else { return nil }
        guard let closed else { return (1005, nil) }
        return (Self.code(closed.closeCode), closed.reason)
    }

    static func code(_ code: WebSocketErrorCode) -> Int {
        switch code {
        case .normalClosure: 1000
        case .goingAway: 1001
        case .protocolError: 1002
        case .unacceptableData: 1003
        case .dataInconsistentWithMessage: 1007
        case .policyViolation: 1008
        case .messageTooLarge: 1009
        case .missingExtension: 1010
        case .unexpectedServerError: 1011
        case .unknown(let value): Int(value)
        }
    }

    static func type(of text: String) -> String? {
        guard case .object(let fields)? = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)), case .string(let type)? = fields["type"] else { return nil }
        return type
    }
}
