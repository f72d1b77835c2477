import Foundation

extension Date {
    /// RFC 3339 in UTC to the second (`2026-12-02T23:20:35Z`), as every JSON time Plinth sends.
    ///
    /// Formatted without ICU: `ISO8601DateFormatter` builds an ICU formatter per call, which on
    /// `GET /api/auth/me` was a third of the request's time.
    public var iso8601: String { formatted(Self.internetTime) }

    /// As ``iso8601`` with milliseconds (`2026-12-02T23:20:35.123Z`), for ordering rows written
    /// within one second (audit, events).
    public var iso8601Milliseconds: String { formatted(Self.internetTimeMilliseconds) }

    private static let internetTime = Date.ISO8601FormatStyle(timeZone: .gmt)
    private static let internetTimeMilliseconds = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
}
