extension CronExpression {
    /// The earliest wall-clock reading in `start..<end` that every field accepts.
    ///
    /// Skips by field: a wrong month jumps to the next allowed month, a wrong hour to the
    /// next allowed hour, and so on, so even a yearly schedule needs only a handful of
    /// steps.
    func firstMatch(from start: WallTime, before end: WallTime) -> WallTime? {
        var time = start
        var cachedMonth: (year: Int, month: Int, length: Int, firstWeekday: Int)?

        while time < end {
            guard month.values.contains(time.month) else {
                if let next = month.values.first(atOrAfter: time.month + 1) {
                    time.month = next
                } else {
                    time.year += 1
                    time.month = month.values.first(atOrAfter: 1) ?? 1
                }
                time.day = 1
                time.startDay()
                continue
            }

            let info: (year: Int, month: Int, length: Int, firstWeekday: Int)
            if let cached = cachedMonth, cached.year == time.year, cached.month == time.month {
                info = cached
            } else {
                let firstDay = CivilCalendar.daysSinceEpoch(year: time.year, month: time.month, day: 1)
                info = (
                    time.year, time.month,
                    CivilCalendar.daysInMonth(year: time.year, month: time.month),
                    CivilCalendar.weekday(daysSinceEpoch: firstDay)
                )
                cachedMonth = info
            }

            guard time.day <= info.length else {
                time.month += 1
                if time.month > 12 {
                    time.year += 1
                    time.month = 1
                }
                time.day = 1
                time.startDay()
                continue
            }

            let weekday = (info.firstWeekday + time.day - 1) % 7
            guard dayMatches(day: time.day, weekday: weekday, monthLength: info.length) else {
                time.day += 1
                time.startDay()
                continue
            }

            guard let nextHour = hour.values.first(atOrAfter: time.hour) else {
                time.day += 1
                time.startDay()
                continue
            }
            if nextHour != time.hour {
                time.hour = nextHour
                time.minute = 0
                time.second = 0
            }

            guard let nextMinute = minute.values.first(atOrAfter: time.minute) else {
                time.hour += 1
                time.minute = 0
                time.second = 0
                continue
            }
            if nextMinute != time.minute {
                time.minute = nextMinute
                time.second = 0
            }

            guard let nextSecond = second.values.first(atOrAfter: time.second) else {
                time.minute += 1
                time.second = 0
                continue
            }
            time.second = nextSecond
            return time < end ? time : nil
        }
        return nil
    }

    /// The Vixie cron day rule: OR when both day fields are restricted, AND otherwise.
    func dayMatches(day: Int, weekday: Int, monthLength: Int) -> Bool {
        let byDayOfMonth = dayOfMonth.values.contains(day)
            || (dayOfMonth.includesLastDayOfMonth && day == monthLength)
        let byDayOfWeek = dayOfWeek.values.contains(weekday)
        if dayOfMonth.isUnrestricted || dayOfWeek.isUnrestricted {
            return byDayOfMonth && byDayOfWeek
        }
        return byDayOfMonth || byDayOfWeek
    }
}

extension WallTime {
    fileprivate mutating func startDay() {
        hour = 0
        minute = 0
        second = 0
    }
}
