/// A reading of a wall clock (date and time of day) with no time zone attached.
///
/// Search steps through these rather than through instants, because cron fields describe
/// what the clock shows. Fields may temporarily run past their range while searching
/// (hour 24, day 32); ordering stays chronological because comparison is lexicographic.
struct WallTime: Comparable, Sendable {
    var year: Int
    var month: Int
    var day: Int
    var hour: Int
    var minute: Int
    var second: Int

    init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// The reading a clock at UTC+0 would show `seconds` after 1970-01-01T00:00:00Z.
    /// With a zone's offset added first, this is that zone's wall clock.
    init(secondsSinceEpoch seconds: Int) {
        let days = seconds >= 0 ? seconds / 86_400 : -((-seconds - 1) / 86_400) - 1
        let secondOfDay = seconds - days * 86_400
        let date = CivilCalendar.date(daysSinceEpoch: days)
        self.init(
            year: date.year, month: date.month, day: date.day,
            hour: secondOfDay / 3_600, minute: secondOfDay % 3_600 / 60, second: secondOfDay % 60)
    }

    /// Inverse of ``init(secondsSinceEpoch:)`` for normalised readings.
    var secondsSinceEpoch: Int {
        let days = CivilCalendar.daysSinceEpoch(year: year, month: month, day: day)
        return days * 86_400 + hour * 3_600 + minute * 60 + second
    }

    static func < (lhs: WallTime, rhs: WallTime) -> Bool {
        (lhs.year, lhs.month, lhs.day, lhs.hour, lhs.minute, lhs.second)
            < (rhs.year, rhs.month, rhs.day, rhs.hour, rhs.minute, rhs.second)
    }
}
