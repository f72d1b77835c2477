import Foundation
import Hummingbird
import PlinthKernel

/// A test plugin with a public channel, a tenant channel and an SSE route over either.
struct NewsPlugin: SaaSPlugin {
    static let manifest = PluginManifest(id: "news", name: "News", version: "1.0.0", basePath: "/api/news")
    init(context: PluginContext) throws {}

    func provide(_ context: PluginContext) async throws {
        try context.declareChannel("news", policy: .public)
        try context.declareChannel("tenant:{tenant}:news", policy: .signedIn)
    }

    func mount(_ routes: PluginRoutes, context: PluginContext) throws {
        let channels = context.channels
        try routes.add(Route.get("events/{channel}", id: "news.events", "News as Server-Sent Events")
            .requires(.public)
            .streams(.ok, .serverSentEvents)
            .handle { input, request in
                try await ServerSentEvents.stream(channel: try request.parameters.require("channel"), channels: channels, request: input.request, context: request)
            })
        // A plugin's own sockets: one anyone may open, one for signed-in callers only.
        try routes.ws("echo", id: "news.echo", "Echoes each message", policy: .public) { socket in
            for try await message in socket.messages {
                if case .text(let text) = message { try await socket.send("echo: " + text) }
            }
        }
        try routes.add(Route.get("private", id: "news.private", "A socket for signed-in callers").requires(.signedIn).webSocket { socket in
            try await socket.send("welcome")
        })
    }
}
