/// JavaScript's `Date` arithmetic on time values (milliseconds since 1970, `NaN` for an invalid
/// date), following the specification's MakeDay, MakeTime and TimeClip so that month overflow
/// (`setMonth(13)`), two-digit years (`new Date(50, 0, 1)` is 1950) and invalid dates behave as
/// upstream sees them. Upstream reads and writes dates in the server's local time zone; here
/// local time is UTC, the zone upstream's results were recorded in.
enum DateCalendar {
    static let msPerDay = 86_400_000.0

    /// ToIntegerOrInfinity.
    static func integer(_ x: Double) -> Double {
        if x.isNaN || x == 0 { return 0 }
        if !x.isFinite { return x }
        return x.rounded(.towardZero) + 0
    }

    /// TimeClip: `NaN` beyond ±8.64e15 ms.
    static func clip(_ time: Double) -> Double {
        guard time.isFinite, abs(time) <= 8.64e15 else { return .nan }
        return integer(time) + 0
    }

    /// Days from 1970-01-01 to the first of `month` (1–12) of `year` plus `day - 1`.
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// MakeDay(year, month (0-based, any integer), date).
    static func makeDay(_ year: Double, _ month: Double, _ date: Double) -> Double {
        guard year.isFinite, month.isFinite, date.isFinite else { return .nan }
        let y = integer(year), m = integer(month), dt = integer(date)
        let ym = y + (m / 12).rounded(.down)
        guard abs(ym) < 400_000 else { return .nan }
        let mn = m - (m / 12).rounded(.down) * 12
        return Double(days(year: Int64(ym), month: Int64(mn) + 1, day: 1)) + dt - 1
    }

    static func makeTime(_ hour: Double, _ minute: Double, _ second: Double, _ ms: Double) -> Double {
        guard hour.isFinite, minute.isFinite, second.isFinite, ms.isFinite else { return .nan }
        return integer(hour) * 3_600_000 + integer(minute) * 60_000 + integer(second) * 1000 + integer(ms)
    }

    static func makeDate(_ day: Double, _ time: Double) -> Double {
        guard day.isFinite, time.isFinite else { return .nan }
        return day * msPerDay + time
    }

    /// `new Date(year, month, day, ...)` and `Date.UTC(...)` (identical with local time in UTC):
    /// years 0–99 mean 1900–1999.
    static func fromComponents(_ year: Double, _ month: Double, _ day: Double = 1, _ hour: Double = 0,
                               _ minute: Double = 0, _ second: Double = 0, _ ms: Double = 0) -> Double {
        var fullYear = year
        if year.isFinite, (0...99).contains(integer(year)) { fullYear = 1900 + integer(year) }
        return clip(makeDate(makeDay(fullYear, month, day), makeTime(hour, minute, second, ms)))
    }

    /// The calendar fields of a valid time value.
    struct Fields {
        var year: Double, month: Double, day: Double
        var hour: Double, minute: Double, second: Double, millisecond: Double
        var weekday: Double
    }

    static func fields(_ time: Double) -> Fields? {
        guard time.isFinite else { return nil }
        let dayNumber = (time / msPerDay).rounded(.down)
        var within = time - dayNumber * msPerDay
        if within < 0 { within += msPerDay }
        let z = Int64(dayNumber) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        var weekday = (Int64(dayNumber) + 4) % 7
        if weekday < 0 { weekday += 7 }
        let ms = Int64(within)
        return Fields(year: Double(year), month: Double(month - 1), day: Double(day),
                      hour: Double(ms / 3_600_000), minute: Double(ms / 60_000 % 60), second: Double(ms / 1000 % 60),
                      millisecond: Double(ms % 1000), weekday: Double(weekday))
    }

    /// `toISOString()`; `nil` for an invalid date (upstream throws `RangeError: Invalid Date`).
    static func isoString(_ time: Double) -> String? {
        guard let f = fields(time) else { return nil }
        func pad(_ value: Double, _ width: Int) -> String {
            let text = String(Int64(value))
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let year: String
        if f.year >= 0 && f.year <= 9999 { year = pad(f.year, 4) } else { year = (f.year < 0 ? "-" : "+") + pad(abs(f.year), 6) }
        return "\(year)-\(pad(f.month + 1, 2))-\(pad(f.day, 2))T\(pad(f.hour, 2)):\(pad(f.minute, 2)):\(pad(f.second, 2)).\(pad(f.millisecond, 3))Z"
    }

    /// The message of the `RangeError` an invalid date's `toISOString()` throws under Bun.
    static let invalidDate = "Invalid Date"

    // MARK: setters, as `Date.prototype.setX` (arguments already converted with Number())

    static func setFullYear(_ time: Double, _ year: Double) -> Double {
        let t = time.isNaN ? 0 : time
        let f = fields(t)!
        return clip(makeDate(makeDay(year, f.month, f.day), timeWithinDay(t)))
    }

    static func setMonth(_ time: Double, _ month: Double, _ day: Double? = nil) -> Double {
        guard let f = fields(time) else { return .nan }
        return clip(makeDate(makeDay(f.year, month, day ?? f.day), timeWithinDay(time)))
    }

    static func setDate(_ time: Double, _ day: Double) -> Double {
        guard let f = fields(time) else { return .nan }
        return clip(makeDate(makeDay(f.year, f.month, day), timeWithinDay(time)))
    }

    static func setHours(_ time: Double, _ hour: Double, _ minute: Double? = nil, _ second: Double? = nil, _ ms: Double? = nil) -> Double {
        guard let f = fields(time) else { return .nan }
        let t = makeTime(hour, minute ?? f.minute, second ?? f.second, ms ?? f.millisecond)
        return clip(makeDate(dayNumber(time), t))
    }

    static func setMinutes(_ time: Double, _ minute: Double) -> Double {
        guard let f = fields(time) else { return .nan }
        return clip(makeDate(dayNumber(time), makeTime(f.hour, minute, f.second, f.millisecond)))
    }

    static func setSeconds(_ time: Double, _ second: Double) -> Double {
        guard let f = fields(time) else { return .nan }
        return clip(makeDate(dayNumber(time), makeTime(f.hour, f.minute, second, f.millisecond)))
    }

    static func setMilliseconds(_ time: Double, _ ms: Double) -> Double {
        guard let f = fields(time) else { return .nan }
        return clip(makeDate(dayNumber(time), makeTime(f.hour, f.minute, f.second, ms)))
    }

    static func dayNumber(_ time: Double) -> Double { (time / msPerDay).rounded(.down) }
    static func timeWithinDay(_ time: Double) -> Double { time - dayNumber(time) * msPerDay }
}
