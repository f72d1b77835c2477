import Synchronization

/// A value a plugin can only learn in step 7 (boot), from a migrated database, but whose
/// users are wired together in step 5 (provide): a generated signing key, a cached setting.
/// `provide` makes it empty and hands it to the objects that read it; `boot` sets it; routes
/// read it while serving, which starts only after boot.
///
/// ```swift
/// let key = BootValue<SymmetricKey>("signing key")          // provide
/// let signer = Signer(key: key)
/// key.set(SymmetricKey(data: try await loadKey()))          // boot
/// ```
public final class BootValue<Value: Sendable>: Sendable {
    private let storage = Mutex<Value?>(nil)
    /// Names the value in the failure of a read before boot.
    public let name: String

    public init(_ name: String) { self.name = name }

    /// Sets (or replaces) the value.
    public func set(_ value: Value) { storage.withLock { $0 = value } }

    /// Whether boot set the value.
    public var isSet: Bool { storage.withLock { $0 != nil } }

    /// The value. Reading it before boot is a wiring mistake in the plugin, not bad input: the
    /// server serves only after every plugin booted, so this stops the process naming the value.
    public var value: Value {
        guard let value = storage.withLock({ $0 }) else { preconditionFailure("\(name) is read before the plugin's boot set it") }
        return value
    }
}
