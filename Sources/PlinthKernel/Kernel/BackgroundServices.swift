import ServiceLifecycle
import Synchronization

/// Services plugins and the kernel add during boot; run together after boot.
final class BackgroundServices: Sendable {
    private let list = Mutex<[(service: any Service, plugin: String)]>([])
    func add(_ service: any Service, plugin: String) { list.withLock { $0.append((service, plugin)) } }
    var all: [(service: any Service, plugin: String)] { list.withLock { $0 } }
}
