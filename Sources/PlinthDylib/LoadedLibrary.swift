import CPlinthABI

/// A plugin's descriptor, read from a library that stays loaded for the life of the process.
///
/// `@unchecked Sendable`: the descriptor is the plugin's static constant (the header requires it
/// to live as long as the process, and the host never unloads the library), and the host only
/// reads it, so sharing the pointer between threads shares immutable memory.
struct LoadedLibrary: @unchecked Sendable {
    let path: String
    let descriptor: UnsafePointer<plinth_plugin_descriptor>
    let name: String
    let version: String
    let description: String
    var threadSafe: Bool { descriptor.pointee.flags & UInt32(PLINTH_PLUGIN_THREAD_SAFE) != 0 }
    /// Handlers promise not to block (PLINTH_PLUGIN_INLINE_HANDLERS).
    var inlineHandlers: Bool { descriptor.pointee.flags & UInt32(PLINTH_PLUGIN_INLINE_HANDLERS) != 0 }
}
