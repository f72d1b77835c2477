@_exported import CPlinthABI

/// A shared-object plugin written in Swift. The SDK turns it into the C ABI of
/// `plinth_plugin.h`; the plugin never links the kernel, and no Swift type crosses into the host.
///
/// ```swift
/// import PlinthPluginSDK
///
/// struct Hello: PlinthPlugin {
///     static let name = "hello"
///     static let version = "1.0.0"
///     init(host: PluginHost) throws {
///         host.migration("001_greetings", sqlite: "CREATE TABLE hello_greetings (name TEXT)",
///                        postgres: "CREATE TABLE hello_greetings (name TEXT)")
///         host.route("GET", "greetings/:name") { request in
///             try request.call.query("INSERT INTO hello_greetings (name) VALUES ($1)", [.text(request.parameters["name"]!)])
///             return PluginResponse(status: 200, text: "hello \(request.parameters["name"]!)")
///         }
///     }
/// }
///
/// @_cdecl("plinth_plugin_descriptor_v1")
/// public func descriptor() -> UnsafeRawPointer { PluginExport.descriptor(for: Hello.self) }
/// ```
public protocol PlinthPlugin: AnyObject {
    /// The plugin id (lowercase, digits, `_`, dots between segments); routes live under `/api/<name>/`.
    static var name: String { get }
    /// Semantic version.
    static var version: String { get }
    /// One line for `plinth plugins`. Default empty.
    static var summary: String { get }
    /// Whether handlers may run on several threads at once. Default false: the host calls the
    /// plugin one request at a time.
    static var threadSafe: Bool { get }
    /// Registers routes, migrations and hooks on `host`; throw to refuse to start (the message
    /// is shown to the operator).
    init(host: PluginHost) throws
}

extension PlinthPlugin {
    public static var summary: String { "" }
    public static var threadSafe: Bool { false }
}

/// A failure a plugin reports; its message reaches the operator (init) or the server log.
public struct PluginError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
