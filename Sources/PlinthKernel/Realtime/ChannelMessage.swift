import Foundation

/// One message on a realtime channel, as every subscriber on every instance receives it.
public struct ChannelMessage: Sendable, Codable, Hashable {
    /// Unique across instances; SSE sends it as the event id, and `Last-Event-ID` resumes after it.
    public let id: String
    /// The concrete channel (`jobs`, `tenant:7f3a…:jobs`).
    public let channel: String
    /// What happened (`job.updated`, `workflow.completed`); the SSE event name.
    public let type: String
    public let payload: JSONValue
    public let timestamp: Date

    public init(id: String, channel: String, type: String, payload: JSONValue, timestamp: Date) {
        self.id = id
        self.channel = channel
        self.type = type
        self.payload = payload
        self.timestamp = timestamp
    }
}
