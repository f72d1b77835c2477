import Foundation
import Synchronization

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
    /// The message as `/ws` sends it, made by the first socket that sends it and shared by
    /// every copy: a message to a thousand sockets is encoded once, not a thousand times.
    let socketText = SharedText()

    enum CodingKeys: String, CodingKey {
        case id, channel, type, payload, timestamp
    }

    public init(id: String, channel: String, type: String, payload: JSONValue, timestamp: Date) {
        self.id = id
        self.channel = channel
        self.type = type
        self.payload = payload
        self.timestamp = timestamp
    }

    public static func == (a: ChannelMessage, b: ChannelMessage) -> Bool {
        a.id == b.id && a.channel == b.channel && a.type == b.type && a.payload == b.payload && a.timestamp == b.timestamp
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(channel)
    }
}

/// A text computed once, on first use, by whichever thread asks first.
final class SharedText: Sendable {
    private let value = Mutex<String?>(nil)

    func get(_ make: () -> String) -> String {
        value.withLock { text in
            if let text { return text }
            let made = make()
            text = made
            return made
        }
    }
}
