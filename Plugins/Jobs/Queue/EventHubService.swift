import ServiceLifecycle

/// Runs the event hub's listener for the kernel's lifetime.
struct EventHubService: Service {
    let hub: JobEventHub
    let notifications: AsyncThrowingStream<String, any Error>

    func run() async throws {
        try await cancelWhenGracefulShutdown { try await hub.run(notifications) }
    }
}
