import Foundation
import Testing

@testable import PlinthCron

/// Parses an ISO-8601 UTC instant such as "2026-03-29T01:00:00Z".
func instant(_ text: String) throws -> Date {
    try Date(text, strategy: .iso8601)
}

func zone(_ identifier: String) throws -> TimeZone {
    try #require(TimeZone(identifier: identifier))
}

/// The next `count` fire times as ISO-8601 UTC strings, so failures read like the
/// expectations they are compared with.
func fireTimes(
    _ expression: String, after start: String, in zoneIdentifier: String = "UTC", count: Int
) throws -> [String] {
    let cron = try CronExpression(expression)
    let dates = cron.nextDates(after: try instant(start), in: try zone(zoneIdentifier), count: count)
    return dates.map { $0.formatted(.iso8601) }
}

/// The single next fire time as an ISO-8601 UTC string, or `nil`.
func nextFire(_ expression: String, after start: String, in zoneIdentifier: String = "UTC") throws
    -> String?
{
    let cron = try CronExpression(expression)
    return cron.nextDate(after: try instant(start), in: try zone(zoneIdentifier))?.formatted(.iso8601)
}
