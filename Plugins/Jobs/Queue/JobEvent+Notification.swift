import Foundation
import PlinthKernel

/// The form status changes take between instances: a JSON array with one array per event,
/// `[id, type, state, attempt, tenant, error, at]`, `at` in seconds since 1970. Compact, so that
/// one notification carries a hundred events, and written by hand because every claim and
/// completion publishes one (`JSONEncoder` with ISO 8601 dates cost a worker a fifth of its time).
extension JobEvent {
    /// The event as a realtime message: its id is the same on every instance (job, state and
    /// attempt), so that `Last-Event-ID` resumes behind a load balancer.
    func message(on channel: String) -> ChannelMessage {
        var payload: [String: JSONValue] = [
            "id": .number(Double(id)), "type": .string(type), "state": .string(state.rawValue),
            "attempt": .number(Double(attempt)), "at": .string(at.formatted(Date.ISO8601FormatStyle())),
        ]
        if let tenant { payload["tenant"] = .string(tenant) }
        if let error { payload["error"] = .string(error) }
        return ChannelMessage(id: "\(id)-\(state.rawValue)-\(attempt)", channel: channel, type: "job", payload: .object(payload), timestamp: at)
    }

    /// Appends this event's JSON array to `text`.
    func appendNotificationJSON(to text: inout String) {
        text += "["
        text += String(id)
        text += ","
        Self.appendQuoted(type, to: &text)
        text += ",\""
        text += state.rawValue
        text += "\","
        text += String(attempt)
        text += ","
        if let tenant { Self.appendQuoted(tenant, to: &text) } else { text += "null" }
        text += ","
        if let error { Self.appendQuoted(error, to: &text) } else { text += "null" }
        text += ","
        text += String(at.timeIntervalSince1970)
        text += "]"
    }

    /// Events of a notification payload; nil when it is not one.
    static func decodeNotification(_ payload: String) -> [JobEvent]? {
        (try? JSONDecoder().decode([WireEvent].self, from: Data(payload.utf8)))?.map(\.event)
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    static func appendQuoted(_ value: String, to text: inout String) {
        text += "\""
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            text += value
        } else {
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\"": text += "\\\""
                case "\\": text += "\\\\"
                case "\n": text += "\\n"
                case "\r": text += "\\r"
                case "\t": text += "\\t"
                case _ where scalar.value < 0x20: text += String(format: "\\u%04x", scalar.value)
                default: text.unicodeScalars.append(scalar)
                }
            }
        }
        text += "\""
    }
}

/// One event of a notification payload.
private struct WireEvent: Decodable {
    var event: JobEvent

    init(from decoder: any Decoder) throws {
        var fields = try decoder.unkeyedContainer()
        event = JobEvent(
            id: try fields.decode(Int64.self), type: try fields.decode(String.self), state: try fields.decode(JobState.self),
            attempt: try fields.decode(Int.self), tenant: try fields.decodeIfPresent(String.self), error: try fields.decodeIfPresent(String.self),
            at: Date(timeIntervalSince1970: try fields.decode(Double.self))
        )
    }
}
