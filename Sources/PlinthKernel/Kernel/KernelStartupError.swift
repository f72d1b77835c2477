/// A reason the kernel cannot start, phrased as one line that names the plugin(s) and the fix.
///
/// ```swift
/// do { try await kernel.withRunning { _ in } } catch let error as KernelStartupError where error.code == .boot {
///     print("plugin \(error.plugin ?? "?") failed to boot")
/// }
/// ```
public struct KernelStartupError: Error, CustomStringConvertible, Sendable {
    /// Which start-up step refused, for callers that react to a kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        /// A plugin's settings are wrong (step 3).
        public static let configuration = Code(name: "configuration")
        /// A plugin's `provide` failed, or a service it requires is missing (step 5).
        public static let provide = Code(name: "provide")
        /// A route declaration is wrong or claimed twice (step 6).
        public static let mount = Code(name: "mount")
        /// A plugin's `boot` failed (step 7).
        public static let boot = Code(name: "boot")
        /// The secret store's key is missing or unusable.
        public static let secretKey = Code(name: "secretKey")
        /// Anything else; the message says what.
        public static let other = Code(name: "other")
    }

    public let code: Code
    /// The plugin at fault, when one is.
    public let plugin: String?
    public let message: String
    public init(_ message: String, code: Code = .other, plugin: String? = nil) {
        self.message = message
        self.code = code
        self.plugin = plugin
    }
    public var description: String { message }
}
