import CPlinthABI

/// A plugin's handler, as stored by the host.
///
/// `@unchecked Sendable`: a C function pointer captures nothing and points at code in a library
/// that is never unloaded, so copying it between threads shares no mutable state.
struct CHandler: @unchecked Sendable {
    let function: plinth_handler_fn
}

/// A plugin's hook, as stored by the host. Sendable for the reason given on ``CHandler``.
struct CHook: @unchecked Sendable {
    let kind: plinth_hook_kind
    let function: plinth_hook_fn
}

/// The plugin's own state pointer, passed back to it on every call.
///
/// `@unchecked Sendable`: the host never reads or writes through it; it only hands it back to
/// the plugin, which either declared itself thread-safe (PLINTH_PLUGIN_THREAD_SAFE) or is called
/// one call at a time under ``DylibRuntime/serial``.
struct PluginState: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer?
}

/// A plugin's deinit function. Sendable for the reason given on ``CHandler``.
struct CRelease: @unchecked Sendable {
    let function: @convention(c) (UnsafeMutableRawPointer?) -> Void
}
