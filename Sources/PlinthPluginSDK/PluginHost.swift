/// What `init(host:)` registers with, and the plugin's settings. Only valid during init.
public final class PluginHost {
    let api: UnsafePointer<plinth_host_api>
    let context: OpaquePointer?
    /// Init's error: host functions fill it when they refuse a registration.
    let error: OpaquePointer?
    var routes: [PluginRoute] = []
    var hooks: [(kind: plinth_hook_kind, body: (PluginCall) throws -> Void)] = []
    /// Set when the host refused a registration (its message is already in `error`).
    var refused = false

    init(api: UnsafePointer<plinth_host_api>, context: OpaquePointer?, error: OpaquePointer?) {
        self.api = api
        self.context = context
        self.error = error
    }

    /// The setting `PLINTH_<NAME>_<KEY>`, if set.
    public func config(_ key: String) -> String? {
        var value = plinth_bytes(ptr: nil, len: 0)
        let status = key.withBytes { api.pointee.config_get(context, $0, &value) }
        return status == PLINTH_OK ? value.string : nil
    }

    /// Logs a line tagged with the plugin.
    public func log(_ message: String, level: plinth_log_level = PLINTH_LOG_INFO) {
        message.withBytes { api.pointee.log(nil, level, $0) }
    }

    /// A route: `path` relative to `/api/<name>/`, with `:param` segments or a final `**`.
    ///
    /// What `/openapi.json` says about it (ABI 1.1; on an older host only the route is
    /// registered): `summary`; `policy` (`"public"`, the default, `"signed-in"` or a permission
    /// name), checked before the handler; `requestSchema`, JSON Schema text the host checks the
    /// body against (422 before the handler); `responses`, a JSON object from status code to the
    /// JSON Schema of that answer's body, or `null` for a body that is not JSON.
    public func route(_ method: String, _ path: String, summary: String = "", policy: String = "", requestSchema: String = "",
                      responses: String = "", operationID: String = "", _ handler: @escaping (PluginRequest) throws -> PluginResponse) {
        let status: plinth_status
        if Int(api.pointee.struct_size) >= MemoryLayout<plinth_host_api>.offset(of: \.register_route_spec)! + MemoryLayout<UnsafeRawPointer>.size,
           let register = api.pointee.register_route_spec {
            status = method.withBytes { m in path.withBytes { p in operationID.withBytes { o in summary.withBytes { s in policy.withBytes { r in
                requestSchema.withBytes { q in responses.withBytes { a in
                    var spec = plinth_route_spec(struct_size: UInt32(MemoryLayout<plinth_route_spec>.size), method: m, path: p,
                                                 operation_id: o, summary: s, policy: r, request_schema: q, responses: a)
                    return register(context, &spec, PluginExport.handlerTrampoline, error)
                } }
            } } } } }
        } else {
            status = method.withBytes { m in path.withBytes { p in api.pointee.register_route(context, m, p, PluginExport.handlerTrampoline, error) } }
        }
        if status != PLINTH_OK { refused = true }
        routes.append(PluginRoute(method: method.uppercased(), pattern: path.split(separator: "/").map(String.init), handler: handler))
    }

    /// A migration with SQL for each database (several statements separated by `;`).
    ///
    /// `down` (SQLite, PostgreSQL) is how `plinth migrate down` reverts it; default nil: it cannot
    /// be reverted by the host. It needs ABI 1.2; an older host refuses the plugin, since it
    /// could not keep the promise.
    public func migration(_ name: String, sqlite: String, postgres: String, down: (sqlite: String, postgres: String)? = nil) {
        let status = name.withBytes { n in sqlite.withBytes { s in postgres.withBytes { p in api.pointee.register_migration(context, n, s, p, error) } } }
        if status != PLINTH_OK { refused = true }
        guard let down else { return }
        guard Int(api.pointee.struct_size) >= MemoryLayout<plinth_host_api>.offset(of: \.register_migration_down)! + MemoryLayout<UnsafeRawPointer>.size,
              let register = api.pointee.register_migration_down else {
            "the down SQL of migration '\(name)' needs a host with ABI 1.2".withBytes { api.pointee.set_error(error, $0) }
            refused = true
            return
        }
        let reverted = name.withBytes { n in down.sqlite.withBytes { s in down.postgres.withBytes { p in register(context, n, s, p, error) } } }
        if reverted != PLINTH_OK { refused = true }
    }

    /// Runs once the plugin is migrated and mounted, before requests arrive; throw to stop startup.
    public func onBoot(_ body: @escaping (PluginCall) throws -> Void) { hook(PLINTH_HOOK_BOOT, body) }
    /// Runs at shutdown.
    public func onShutdown(_ body: @escaping (PluginCall) throws -> Void) { hook(PLINTH_HOOK_SHUTDOWN, body) }
    /// Polled by `/ready`; throw to report the plugin unhealthy.
    public func onHealth(_ body: @escaping (PluginCall) throws -> Void) { hook(PLINTH_HOOK_HEALTH, body) }

    private func hook(_ kind: plinth_hook_kind, _ body: @escaping (PluginCall) throws -> Void) {
        let trampoline: plinth_hook_fn
        switch kind {
        case PLINTH_HOOK_BOOT: trampoline = PluginExport.bootTrampoline
        case PLINTH_HOOK_SHUTDOWN: trampoline = PluginExport.shutdownTrampoline
        default: trampoline = PluginExport.healthTrampoline
        }
        // One C hook per kind dispatches to every Swift hook of that kind.
        if !hooks.contains(where: { $0.kind == kind }) {
            if api.pointee.register_hook(context, kind, trampoline, error) != PLINTH_OK { refused = true }
        }
        hooks.append((kind, body))
    }
}

struct PluginRoute {
    let method: String
    let pattern: [String]
    let handler: (PluginRequest) throws -> PluginResponse

    /// The path parameters when `segments` (the request path after `/api/<name>/`) fits.
    func match(_ segments: [String]) -> [String: String]? {
        var parameters: [String: String] = [:]
        for (index, part) in pattern.enumerated() {
            if part == "**" { return parameters }
            guard index < segments.count else { return nil }
            if part.hasPrefix(":") { parameters[String(part.dropFirst())] = segments[index] } else if part != segments[index] { return nil }
        }
        return segments.count == pattern.count ? parameters : nil
    }
}
