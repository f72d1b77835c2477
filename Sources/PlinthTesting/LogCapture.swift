import Logging
import PlinthKernel
import Synchronization

/// Collects log lines in memory so tests can assert on what was logged.
public final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])
    public let format: String

    /// - Parameter format: `text` (default) or `json`.
    public init(format: String = "text") {
        self.format = format
    }

    /// A logger at `level` whose lines land here.
    public func logger(level: Logger.Level = .info, label: String = "plinth") -> Logger {
        Logger(label: label, factory: LogHandlers.factory(format: format, level: level) { [weak self] line in
            self?.lines.withLock { $0.append(line) }
        })
    }

    public var all: [String] { lines.withLock { $0 } }

    /// Lines containing every one of `fragments`.
    public func lines(containing fragments: String...) -> [String] {
        all.filter { line in fragments.allSatisfy { line.contains($0) } }
    }
}
