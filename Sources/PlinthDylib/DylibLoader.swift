import CPlinthABI
import Glibc
import Synchronization
import PlinthKernel

/// Opens a shared object and checks its descriptor before any of the plugin's code runs
/// (apart from the descriptor function itself, which must only return a static constant).
///
/// `RTLD_NOW` resolves every symbol at load, so a missing library or symbol fails here and not
/// in the middle of a request; `RTLD_LOCAL` keeps the plugin's symbols (its own copy of a
/// library, say) from interposing on the host's; `RTLD_NODELETE` and never calling `dlclose`
/// keep code that Swift metadata or callbacks may point into mapped.
enum DylibLoader {
    static let entryPoint = "plinth_plugin_descriptor_v1"
    static let headerHint = "build it against Sources/CPlinthABI/include/plinth_plugin.h (or the PlinthPluginSDK) of this Plinth"
    /// Loads are serialised: `dlerror` reports the last failure of any thread on some libcs.
    static let lock = Mutex<Void>(())

    static func load(_ path: String) throws(DylibLoadError) -> LoadedLibrary {
        func fail(_ problem: String, _ hint: String) -> DylibLoadError { DylibLoadError(path: path, problem: problem, hint: hint) }
        let opened: (handle: UnsafeMutableRawPointer?, error: String?) = lock.withLock { _ in
            let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE)
            return (handle, handle == nil ? dlerror().map { String(cString: $0) } : nil)
        }
        guard let handle = opened.handle else {
            let reason = opened.error ?? "unknown error"
            if reason.contains("cannot open shared object file") && !reason.hasPrefix(path) {
                throw fail("a library it needs is missing (dlopen: \(reason))", "install that library, or link it statically into the plugin")
            }
            if reason.contains("invalid ELF header") || reason.contains("file too short") || reason.contains("not a dynamic") {
                throw fail("not a shared object (dlopen: \(reason))", "remove it from the plugin directory (PLINTH_PLUGIN_DIR) or build it with `cc -shared -fPIC`")
            }
            throw fail("cannot be loaded (dlopen: \(reason))", "check the file and its dependencies with `ldd`")
        }
        guard let symbol = dlsym(handle, entryPoint) else {
            // A source that defines the entry point still lacks it in a -fvisibility=hidden build
            // unless the definition is marked visibility("default") (older headers do not mark it).
            throw fail("is not a Plinth plugin: no entry point \"\(entryPoint)\"",
                       "export `const plinth_plugin_descriptor *\(entryPoint)(void)`; \(headerHint); a library built with -fvisibility=hidden "
                           + "exports nothing unless the entry point is marked PLINTH_EXPORT (from that header) or __attribute__((visibility(\"default\")))")
        }
        typealias Entry = @convention(c) () -> UnsafePointer<plinth_plugin_descriptor>?
        guard let descriptor = unsafeBitCast(symbol, to: Entry.self)() else {
            throw fail("\(entryPoint)() returned no descriptor", "return a pointer to a static plinth_plugin_descriptor")
        }
        // Only the first two fields are known to exist until struct_size says more do.
        let head = UnsafeRawPointer(descriptor)
        let magic = head.loadUnaligned(as: UInt32.self)
        guard magic == PLINTH_PLUGIN_MAGIC else {
            throw fail("is not a Plinth plugin: bad magic 0x\(String(magic, radix: 16)) in its descriptor (expected 0x\(String(PLINTH_PLUGIN_MAGIC, radix: 16)))", headerHint)
        }
        let size = head.loadUnaligned(fromByteOffset: 4, as: UInt32.self)
        let expected = UInt32(MemoryLayout<plinth_plugin_descriptor>.size)
        guard size >= expected else {
            throw fail("its descriptor is \(size) bytes, smaller than the \(expected) bytes of ABI \(PLINTH_ABI_MAJOR).0", headerHint)
        }
        let d = descriptor.pointee
        let name = d.name.map { String(cString: $0) } ?? ""
        let label = name.isEmpty ? "" : " \"\(name)\""
        guard Int32(d.abi_major) == PLINTH_ABI_MAJOR else {
            throw fail("incompatible plugin\(label): ABI version mismatch: host provides \(PLINTH_ABI_MAJOR).\(PLINTH_ABI_MINOR), plugin built for \(d.abi_major).\(d.abi_minor)",
                       "rebuild the plugin against the plinth_plugin.h of this Plinth (ABI \(PLINTH_ABI_MAJOR).x)")
        }
        guard Int32(d.abi_minor) <= PLINTH_ABI_MINOR else {
            throw fail("incompatible plugin\(label): it needs ABI \(d.abi_major).\(d.abi_minor), this Plinth provides \(PLINTH_ABI_MAJOR).\(PLINTH_ABI_MINOR)",
                       "upgrade Plinth, or build the plugin against the older header")
        }
        guard PluginManifest.isValidID(name) else {
            throw fail("its descriptor names the plugin \"\(name)\", which is not a plugin id", "use lowercase letters, digits and '_', starting with a letter, with dots between segments")
        }
        let version = d.version.map { String(cString: $0) } ?? ""
        guard (try? SemanticVersion(parsing: version)) != nil else {
            throw fail("plugin \"\(name)\" has version \"\(version)\", which is not a semantic version", "use MAJOR.MINOR.PATCH, e.g. \"1.0.0\"")
        }
        guard d.`init` != nil else { throw fail("plugin \"\(name)\" has no init function", "set descriptor.init") }
        return LoadedLibrary(path: path, descriptor: descriptor, name: name, version: version, description: d.description.map { String(cString: $0) } ?? "")
    }
}
