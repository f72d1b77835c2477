/// A reason the kernel cannot start, phrased as one line that names the plugin(s) and the fix.
public struct KernelStartupError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
