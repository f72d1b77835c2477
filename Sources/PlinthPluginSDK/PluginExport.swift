#if canImport(Glibc)
import Glibc
#endif

/// Turns a ``PlinthPlugin`` type into the C descriptor the host loads, and routes the host's
/// calls back to it. A shared object holds one plugin.
public enum PluginExport {
    // These are written once, while the host loads the plugin (descriptor, then init, on one
    // thread, before any handler can run), and only read afterwards; the host's calls that read
    // them all happen after init returned.
    nonisolated(unsafe) static var descriptorPointer: UnsafePointer<plinth_plugin_descriptor>?
    nonisolated(unsafe) static var factory: ((PluginHost) throws -> AnyObject)?
    nonisolated(unsafe) static var name = ""
    nonisolated(unsafe) static var api: UnsafePointer<plinth_host_api>?
    nonisolated(unsafe) static var host: PluginHost?
    nonisolated(unsafe) static var plugin: AnyObject?

    /// The descriptor of `type`, made once. Return it from your entry point:
    ///
    /// ```swift
    /// @_cdecl("plinth_plugin_descriptor_v1")
    /// public func descriptor() -> UnsafePointer<plinth_plugin_descriptor> { PluginExport.descriptor(for: Hello.self) }
    /// ```
    public static func descriptor<P: PlinthPlugin>(for type: P.Type) -> UnsafePointer<plinth_plugin_descriptor> {
        if let descriptorPointer { return descriptorPointer }
        factory = { try P(host: $0) }
        name = P.name
        let descriptor = UnsafeMutablePointer<plinth_plugin_descriptor>.allocate(capacity: 1)
        // Never freed: the header requires the descriptor to live as long as the process.
        descriptor.initialize(to: plinth_plugin_descriptor(
            magic: PLINTH_PLUGIN_MAGIC, struct_size: UInt32(MemoryLayout<plinth_plugin_descriptor>.size),
            abi_major: UInt16(PLINTH_ABI_MAJOR), abi_minor: UInt16(PLINTH_ABI_MINOR),
            flags: P.threadSafe ? UInt32(PLINTH_PLUGIN_THREAD_SAFE) : 0,
            name: UnsafePointer(strdup(P.name)), version: UnsafePointer(strdup(P.version)), description: UnsafePointer(strdup(P.summary)),
            init: initTrampoline, deinit: nil
        ))
        descriptorPointer = UnsafePointer(descriptor)
        return descriptorPointer!
    }

    static func report(_ message: String, api: UnsafePointer<plinth_host_api>, error: OpaquePointer?) -> plinth_status {
        message.withBytes { api.pointee.set_error(error, $0) }
        return PLINTH_ERR
    }

    static let initTrampoline: @convention(c) (UnsafePointer<plinth_host_api>?, OpaquePointer?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?, OpaquePointer?) -> plinth_status = { api, context, _, errorOut in
        guard let api, let factory = PluginExport.factory else { return PLINTH_ERR }
        PluginExport.api = api
        let host = PluginHost(api: api, context: context, error: errorOut)
        do {
            let plugin = try factory(host)
            if host.refused { return PLINTH_ERR }
            PluginExport.host = host
            PluginExport.plugin = plugin
            return PLINTH_OK
        } catch {
            return report("\(error)", api: api, error: errorOut)
        }
    }

    static let handlerTrampoline: plinth_handler_fn = { _, call, request, response, errorOut in
        guard let api = PluginExport.api, let host = PluginExport.host, let request else { return PLINTH_ERR }
        let r = request.pointee
        let base = "/api/" + PluginExport.name.split(separator: ".").joined(separator: "/")
        let path = r.path.string
        let segments = path.hasPrefix(base) ? path.dropFirst(base.count).split(separator: "/").map(String.init) : []
        let method = r.method.string
        guard let route = host.routes.first(where: { $0.method == method && $0.match(segments) != nil }) else {
            return report("no Swift handler matches \(method) \(path)", api: api, error: errorOut)
        }
        var headers: [String: String] = [:]
        for i in 0..<r.header_count { headers[r.header_names[i].string] = r.header_values[i].string }
        var parameters: [String: String] = [:]
        for i in 0..<r.param_count { parameters[r.param_names[i].string] = r.param_values[i].string }
        let swiftRequest = PluginRequest(
            method: method, path: path, query: r.query.string, body: r.body.array, headers: headers, parameters: parameters,
            tenant: r.tenant.string, subject: r.subject.string, call: PluginCall(api: api, pointer: call, error: errorOut)
        )
        do {
            let answer = try route.handler(swiftRequest)
            api.pointee.response_status(response, UInt16(clamping: answer.status))
            for (name, value) in answer.headers { name.withBytes { n in value.withBytes { v in api.pointee.response_header(response, n, v) } } }
            var body = answer.body
            body.withUnsafeBufferPointer { api.pointee.response_body(response, plinth_bytes(ptr: $0.baseAddress, len: $0.count)) }
            return PLINTH_OK
        } catch {
            return report("\(error)", api: api, error: errorOut)
        }
    }

    static func runHooks(_ kind: plinth_hook_kind, call: OpaquePointer?, error: OpaquePointer?) -> plinth_status {
        guard let api = PluginExport.api, let host = PluginExport.host else { return PLINTH_ERR }
        for hook in host.hooks where hook.kind == kind {
            do { try hook.body(PluginCall(api: api, pointer: call, error: error)) } catch let failure {
                return report("\(failure)", api: api, error: error)
            }
        }
        return PLINTH_OK
    }

    static let bootTrampoline: plinth_hook_fn = { _, call, error in runHooks(PLINTH_HOOK_BOOT, call: call, error: error) }
    static let shutdownTrampoline: plinth_hook_fn = { _, call, error in runHooks(PLINTH_HOOK_SHUTDOWN, call: call, error: error) }
    static let healthTrampoline: plinth_hook_fn = { _, call, error in runHooks(PLINTH_HOOK_HEALTH, call: call, error: error) }
}
