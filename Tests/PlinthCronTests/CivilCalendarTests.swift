import Foundation
import Testing

@testable import PlinthCron

@Suite("Civil calendar arithmetic")
struct CivilCalendarTests {
    /// The zone-free arithmetic must agree with Foundation's Gregorian calendar.
    @Test func agreesWithFoundationGregorian() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try zone("UTC")
        // Every 13th day from 1600 to 2500, so every weekday and month position is hit.
        for days in stride(from: -135_000, through: 194_000, by: 13) {
            let date = Date(timeIntervalSince1970: TimeInterval(days * 86_400))
            let expected = calendar.dateComponents([.year, .month, .day, .weekday], from: date)
            let civil = CivilCalendar.date(daysSinceEpoch: days)
            #expect(civil.year == expected.year && civil.month == expected.month && civil.day == expected.day)
            #expect(CivilCalendar.weekday(daysSinceEpoch: days) + 1 == expected.weekday)
            #expect(CivilCalendar.daysSinceEpoch(year: civil.year, month: civil.month, day: civil.day) == days)
        }
    }

    @Test func wallTimeRoundTrips() {
        for seconds in [-62_135_510_400, -1, 0, 1, 86_399, 86_400, 951_782_400, 4_107_542_399] {
            #expect(WallTime(secondsSinceEpoch: seconds).secondsSinceEpoch == seconds)
        }
        let leapDay = WallTime(secondsSinceEpoch: 951_782_400)  // 2000-02-29T00:00:00Z
        #expect(leapDay == WallTime(year: 2000, month: 2, day: 29))
    }
}
