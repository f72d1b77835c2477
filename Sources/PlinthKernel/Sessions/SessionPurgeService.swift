import Logging
import ServiceLifecycle

/// Deletes expired sessions every `PLINTH_SESSION_PURGE_INTERVAL` (default 600 s).
struct SessionPurgeService: Service {
    let store: SessionStore
    let interval: Double
    let logger: Logger

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    do {
                        let purged = try await store.purgeExpired()
                        if purged > 0 { logger.debug("purged expired sessions", metadata: ["count": "\(purged)"]) }
                    } catch {
                        logger.warning("session purge failed", metadata: ["error": "\(DatabaseError.describe(error))"])
                    }
                    try await Task.sleep(for: .milliseconds(Int(interval * 1000)))
                }
            }
        } catch is CancellationError {}
    }
}
