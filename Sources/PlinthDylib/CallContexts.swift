import CPlinthABI
import Foundation
import Logging
import PlinthKernel
import SQLKit
import Synchronization

/// What `init` registers, committed only when it returns PLINTH_OK. Used on the loading thread
/// only, through the `plinth_host_ctx` pointer.
final class InitStaging {
    let name: String
    let config: PluginConfig
    let logger: Logger
    var open = true
    var routes: [DeclaredRoute] = []
    /// The first registration refused for a reason init cannot excuse (an invalid schema): the
    /// plugin does not load even if init ignores the error and returns PLINTH_OK.
    var failure: String?
    var migrations: [Migration] = []
    var hooks: [CHook] = []
    var workflowNodes: [StagedWorkflowNode] = []

    init(name: String, config: PluginConfig, logger: Logger) {
        self.name = name
        self.config = config
        self.logger = logger
    }

    var pointer: OpaquePointer { OpaquePointer(Unmanaged.passUnretained(self).toOpaque()) }
    static func from(_ pointer: OpaquePointer?) -> InitStaging? {
        pointer.map { Unmanaged<InitStaging>.fromOpaque(UnsafeRawPointer($0)).takeUnretainedValue() }
    }

    /// Settings stay readable through the init context for the life of the process (the header
    /// promises it); they are looked up by the pointer's address, never by dereferencing it, so
    /// a stale or foreign pointer gets PLINTH_ERR instead of a crash.
    static let settings = Mutex<[UInt: PluginConfig]>([:])

    /// Keeps this staging alive for good (one small object per loaded plugin, which is never
    /// unloaded either), so that its address is never reused for another, and records its settings.
    func keepForSettings() {
        _ = Unmanaged.passRetained(self)
        let address = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(pointer)))
        let config = self.config
        Self.settings.withLock { $0[address] = config }
    }

    static func settings(for pointer: OpaquePointer?) -> PluginConfig? {
        guard let pointer else { return nil }
        let address = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(pointer)))
        return settings.withLock { $0[address] }
    }
}

/// The call running on this thread, for host functions a plugin calls without one (`log(NULL, …)`
/// from a handler): set around every call into a plugin.
enum CurrentCall {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    static func with<T>(_ call: CallContext, _ body: () throws -> T) rethrows -> T {
        let previous = pthread_getspecific(key)
        pthread_setspecific(key, Unmanaged.passUnretained(call).toOpaque())
        defer { pthread_setspecific(key, previous) }
        return try body()
    }

    static var context: CallContext? {
        pthread_getspecific(key).map { Unmanaged<CallContext>.fromOpaque($0).takeUnretainedValue() }
    }
}

/// One call into a plugin (a request or a hook): whose it is and which tenant it acts in.
final class CallContext: Sendable {
    let runtime: DylibRuntime
    let tenant: String?
    let logger: Logger
    /// Running on a request thread, where blocking host functions are refused.
    let inline: Bool

    init(runtime: DylibRuntime, tenant: String?, logger: Logger, inline: Bool = false) {
        self.runtime = runtime
        self.tenant = tenant
        self.logger = logger
        self.inline = inline
    }

    var pointer: OpaquePointer { OpaquePointer(Unmanaged.passUnretained(self).toOpaque()) }
    static func from(_ pointer: OpaquePointer?) -> CallContext? {
        pointer.map { Unmanaged<CallContext>.fromOpaque(UnsafeRawPointer($0)).takeUnretainedValue() }
    }
}

/// The response a handler builds through the host functions.
final class ResponseBuilder: Sendable {
    struct State {
        var status: Int?
        var headers: [(String, String)] = []
        var body: [UInt8] = []
        /// Bytes the handler wrote in all, set once they passed the limit; the body is then
        /// dropped, so a runaway handler costs at most the limit.
        var overflow: Int?
    }
    let state = Mutex(State())
    /// Largest body a handler may write (`PLINTH_PLUGIN_RESPONSE_LIMIT`).
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// Appends `chunk`, unless the body would pass ``limit``.
    func append(_ chunk: plinth_bytes) {
        state.withLock { state in
            if let over = state.overflow {
                state.overflow = over + chunk.len
            } else if state.body.count + chunk.len > limit {
                state.overflow = state.body.count + chunk.len
                state.body = []
            } else {
                state.body += chunk.array
            }
        }
    }

    var pointer: OpaquePointer { OpaquePointer(Unmanaged.passUnretained(self).toOpaque()) }
    static func from(_ pointer: OpaquePointer?) -> ResponseBuilder? {
        pointer.map { Unmanaged<ResponseBuilder>.fromOpaque(UnsafeRawPointer($0)).takeUnretainedValue() }
    }
}

/// Where a failing plugin or host function puts its message.
final class ErrorBox: Sendable {
    /// The message, and its bytes once `error_message` lent them to the plugin.
    struct Stored: @unchecked Sendable {
        // @unchecked: the buffer is only read, replaced or freed under the box's lock (and in
        // deinit, when nothing else holds the box), so no two threads touch it at once.
        var text: String?
        var bytes: UnsafeMutableBufferPointer<UInt8>?
    }
    private let stored = Mutex(Stored())

    var pointer: OpaquePointer { OpaquePointer(Unmanaged.passUnretained(self).toOpaque()) }
    static func from(_ pointer: OpaquePointer?) -> ErrorBox? {
        pointer.map { Unmanaged<ErrorBox>.fromOpaque(UnsafeRawPointer($0)).takeUnretainedValue() }
    }
    func set(_ text: String) {
        stored.withLock { stored in
            stored.bytes?.deallocate()
            stored = Stored(text: text, bytes: nil)
        }
    }
    var text: String? { stored.withLock { $0.text } }

    /// The message as bytes the plugin may read until the next `set` or the end of the call.
    var lent: plinth_bytes {
        stored.withLock { stored in
            guard let text = stored.text, !text.isEmpty else { return plinth_bytes(ptr: nil, len: 0) }
            if stored.bytes == nil {
                let utf8 = Array(text.utf8)
                let block = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: utf8.count)
                _ = block.initialize(from: utf8)
                stored.bytes = block
            }
            return plinth_bytes(ptr: UnsafePointer(stored.bytes!.baseAddress), len: stored.bytes!.count)
        }
    }

    deinit { stored.withLock { $0.bytes?.deallocate() } }
}

/// A result row lent to a row callback: names and values live in the arena until it returns.
final class RowView {
    let names: [plinth_bytes]
    let values: [(bytes: plinth_bytes, type: plinth_value_type)]

    init(names: [plinth_bytes], values: [(bytes: plinth_bytes, type: plinth_value_type)]) {
        self.names = names
        self.values = values
    }

    var pointer: OpaquePointer { OpaquePointer(Unmanaged.passUnretained(self).toOpaque()) }
    static func from(_ pointer: OpaquePointer?) -> RowView? {
        pointer.map { Unmanaged<RowView>.fromOpaque(UnsafeRawPointer($0)).takeUnretainedValue() }
    }
}

/// The logger of the plugin whose `init` is running, for `log(NULL, ...)` during init (loads
/// and inits are sequential).
let initialisingLogger = Mutex<Logger?>(nil)
