import Foundation
import Testing

@testable import PlinthCron

@Suite("Fixed-offset zones")
struct TimeZoneTests {
    @Test func utc() throws {
        #expect(
            try fireTimes("30 9 * * MON-FRI", after: "2026-01-02T10:00:00Z", in: "UTC", count: 2)
                == ["2026-01-05T09:30:00Z", "2026-01-06T09:30:00Z"])
    }

    @Test func kolkataHalfHourOffset() throws {
        // Asia/Kolkata is UTC+05:30 all year.
        #expect(
            try fireTimes("0 9 * * *", after: "2026-01-01T00:00:00Z", in: "Asia/Kolkata", count: 2)
                == ["2026-01-01T03:30:00Z", "2026-01-02T03:30:00Z"])
        // Local :30 is UTC :00.
        #expect(
            try fireTimes("30 * * * *", after: "2026-01-01T00:10:00Z", in: "Asia/Kolkata", count: 2)
                == ["2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z"])
        // Local midnight on the 1st is the previous evening in UTC.
        #expect(
            try nextFire("0 0 1 * *", after: "2026-01-15T00:00:00Z", in: "Asia/Kolkata")
                == "2026-01-31T18:30:00Z")
    }

    @Test func localDayDecidesTheWeekday() throws {
        // 2026-01-05 00:30 in Kolkata is Monday, but still Sunday 19:00 in UTC.
        #expect(
            try nextFire("30 0 * * MON", after: "2026-01-01T00:00:00Z", in: "Asia/Kolkata")
                == "2026-01-04T19:00:00Z")
    }
}
