import ServiceLifecycle

/// Runs the event hub's listener for the kernel's lifetime.
struct EventHubService: Service {
    let hub: JobEventHub

    func run() async throws {
        try await cancelWhenGracefulShutdown { try await hub.run() }
    }
}
