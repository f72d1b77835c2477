/// Day arithmetic on the proleptic Gregorian calendar, with no time zone involved.
///
/// Kept as plain integer arithmetic rather than `Calendar` so that wall-clock stepping
/// can never be nudged by a zone's daylight-saving rules: the zone is consulted only
/// when a wall-clock reading is turned into an instant. Valid for years 1 and later.
enum CivilCalendar {
    static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to the given date (negative before it).
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        var days = daysBefore(year: year)
        for earlier in stride(from: 1, to: month, by: 1) {
            days += daysInMonth(year: year, month: earlier)
        }
        return days + day - 1 - epochDaysFromYearOne
    }

    /// The date `days` after 1970-01-01.
    static func date(daysSinceEpoch days: Int) -> (year: Int, month: Int, day: Int) {
        let sinceYearOne = days + epochDaysFromYearOne
        // 146_097 days per 400 years gives a guess that is off by at most one year.
        var year = sinceYearOne * 400 / 146_097 + 1
        while daysBefore(year: year) > sinceYearOne { year -= 1 }
        while daysBefore(year: year + 1) <= sinceYearOne { year += 1 }

        var remaining = sinceYearOne - daysBefore(year: year)
        var month = 1
        while remaining >= daysInMonth(year: year, month: month) {
            remaining -= daysInMonth(year: year, month: month)
            month += 1
        }
        return (year, month, remaining + 1)
    }

    /// 0 = Sunday ... 6 = Saturday, the numbering cron uses.
    static func weekday(daysSinceEpoch days: Int) -> Int {
        // 1970-01-01 was a Thursday.
        let weekday = (days + 4) % 7
        return weekday < 0 ? weekday + 7 : weekday
    }

    /// Days from 0001-01-01 to January 1st of `year`.
    private static func daysBefore(year: Int) -> Int {
        let previous = year - 1
        return 365 * previous + previous / 4 - previous / 100 + previous / 400
    }

    private static let epochDaysFromYearOne = 719_162
}
