import Foundation

extension CronExpression {
    /// The first time strictly after `date` at which the schedule fires, reading the
    /// fields against the wall clock of `timeZone`.
    ///
    /// Results are whole seconds. Daylight-saving transitions follow cronie:
    /// - In a spring-forward gap, a job whose hour and minute fields are fixed (explicit
    ///   values, ranges or lists; no `*` or `/`) and whose time falls in the gap fires once,
    ///   at the first instant after the gap. Other jobs have no runs in the missing hour.
    /// - When an hour repeats in the autumn, a job with a fixed hour field fires only in the
    ///   first pass; a job with a wildcard or stepped hour fires in both passes, since
    ///   those are distinct instants.
    ///
    /// - Returns: `nil` when nothing matches within about nine years of `date` (long
    ///   enough for February 29th across a skipped leap year such as 2100), as for
    ///   `0 0 30 2 *`, or when `date` lies outside years 1-9999.
    public func nextDate(after date: Date, in timeZone: TimeZone) -> Date? {
        let after = date.timeIntervalSince1970
        guard after.isFinite, Double(Self.supportedInstants.lowerBound) <= after,
            after < Double(Self.supportedInstants.upperBound)
        else { return nil }

        let zone = ZoneTimeline(timeZone: timeZone)
        // Start at the second containing `date` (not after it) so that a transition exactly
        // one second later is still seen as the end of this segment; candidates at or
        // before `date` are skipped below.
        var cursor = Int(after.rounded(.down))
        let horizon = cursor + Self.searchHorizon

        // Each pass covers one stretch of constant UTC offset, in which the wall clock and
        // real time move together, so the first matching wall time is the first instant.
        while cursor < horizon {
            let offset = zone.offset(at: cursor)
            let segmentEnd = min(zone.nextTransition(after: cursor) ?? horizon, horizon)

            if let wall = firstMatch(
                from: WallTime(secondsSinceEpoch: cursor + offset),
                before: WallTime(secondsSinceEpoch: segmentEnd + offset))
            {
                let instant = wall.secondsSinceEpoch - offset
                if Double(instant) <= after {
                    cursor = instant + 1
                    continue
                }
                if hour.isFixed, let first = zone.earliestInstant(showing: wall), first < instant {
                    // Second pass through a repeated hour: a fixed-hour job already ran in
                    // the first, so jump past every repeated reading at once.
                    let firstPassEnd = zone.nextTransition(after: first) ?? instant
                    let offsetBefore = wall.secondsSinceEpoch - first
                    cursor = max(instant + 1, firstPassEnd + offsetBefore - offset)
                    continue
                }
                return Date(timeIntervalSince1970: TimeInterval(instant))
            }

            guard segmentEnd < horizon else { return nil }
            let offsetAfter = zone.offset(at: segmentEnd)
            if hour.isFixed && minute.isFixed && offsetAfter > offset
                && firstMatch(
                    from: WallTime(secondsSinceEpoch: segmentEnd + offset),
                    before: WallTime(secondsSinceEpoch: segmentEnd + offsetAfter)) != nil
            {
                // A fixed-time job fell into the clocks' jump forward: run it as soon as
                // time resumes rather than losing that day's run.
                return Date(timeIntervalSince1970: TimeInterval(segmentEnd))
            }
            cursor = segmentEnd
        }
        return nil
    }

    /// The next `count` fire times after `date`, in order; fewer if the schedule runs
    /// out (see ``nextDate(after:in:)``), and empty when `count` is zero or negative.
    public func nextDates(after date: Date, in timeZone: TimeZone, count: Int) -> [Date] {
        var dates: [Date] = []
        dates.reserveCapacity(max(count, 0))
        var cursor = date
        while dates.count < count, let next = nextDate(after: cursor, in: timeZone) {
            dates.append(next)
            cursor = next
        }
        return dates
    }

    /// How far ahead to look before concluding that a schedule never fires: nine years,
    /// because February 29th can be eight years apart (2096 to 2104).
    static let searchHorizon = 9 * 366 * 86_400

    /// 0001-01-02 to 9999-12-31 in seconds since 1970, where the civil arithmetic holds
    /// after any zone offset is applied.
    static let supportedInstants = -62_135_510_400...253_402_214_400
}
