import Foundation

/// The facts about a time zone that scheduling needs, on whole seconds since the epoch.
///
/// `Calendar.date(from:)` is deliberately not used to turn wall times into instants: on
/// Linux it moves a nonexistent time forward by the length of the gap (03:30 in a
/// 03:00->04:00 gap becomes 04:30) and silently picks the earlier of two ambiguous
/// instants, neither of which is the cron behaviour wanted here.
struct ZoneTimeline {
    let timeZone: TimeZone

    /// Seconds to add to UTC to get the wall clock at `instant`.
    func offset(at instant: Int) -> Int {
        timeZone.secondsFromGMT(for: date(instant))
    }

    /// The next instant after `instant` at which the offset changes (daylight saving or a
    /// change of standard time), or `nil` if the zone has none.
    func nextTransition(after instant: Int) -> Int? {
        guard let next = timeZone.nextDaylightSavingTimeTransition(after: date(instant)) else {
            return nil
        }
        let seconds = Int(next.timeIntervalSince1970.rounded(.up))
        return seconds > instant ? seconds : nil
    }

    /// The first instant at which the clock shows `wall`, or `nil` if it never does
    /// (the reading falls in a spring-forward gap).
    func earliestInstant(showing wall: WallTime) -> Int? {
        let naive = wall.secondsSinceEpoch
        // The real instant is within a day of the naive one, so the offsets a day either
        // side cover the ones in force before and after any transition near it.
        let candidateOffsets = [offset(at: naive - 86_400), offset(at: naive + 86_400)]
        return candidateOffsets
            .map { naive - $0 }
            .filter { offset(at: $0) == naive - $0 }
            .min()
    }

    private func date(_ instant: Int) -> Date {
        Date(timeIntervalSince1970: TimeInterval(instant))
    }
}
