import Foundation
import Testing

@testable import PlinthCron

@Suite("Next fire times in UTC")
struct ScheduleTests {
    @Test func strictlyAfterTheGivenInstant() throws {
        #expect(try nextFire("0 10 * * *", after: "2026-01-01T10:00:00Z") == "2026-01-02T10:00:00Z")
        #expect(try nextFire("0 10 * * *", after: "2026-01-01T09:59:59Z") == "2026-01-01T10:00:00Z")
    }

    @Test func fractionalSecondsRoundUpToTheNextWholeSecond() throws {
        let cron = try CronExpression("* * * * * *")
        let start = try instant("2026-01-01T10:00:00Z").addingTimeInterval(0.5)
        #expect(cron.nextDate(after: start, in: try zone("UTC")) == (try instant("2026-01-01T10:00:01Z")))
    }

    @Test func everyFifteenMinutes() throws {
        #expect(
            try fireTimes("*/15 * * * *", after: "2026-01-01T00:00:00Z", count: 3)
                == ["2026-01-01T00:15:00Z", "2026-01-01T00:30:00Z", "2026-01-01T00:45:00Z"])
    }

    @Test func steppedRange() throws {
        #expect(
            try fireTimes("0 9-17/4 * * *", after: "2026-01-01T10:00:00Z", count: 3)
                == ["2026-01-01T13:00:00Z", "2026-01-01T17:00:00Z", "2026-01-02T09:00:00Z"])
    }

    @Test func stepFromStartValueRunsToFieldEnd() throws {
        #expect(
            try fireTimes("5/20 * * * *", after: "2026-01-01T00:00:00Z", count: 4)
                == [
                    "2026-01-01T00:05:00Z", "2026-01-01T00:25:00Z", "2026-01-01T00:45:00Z",
                    "2026-01-01T01:05:00Z",
                ])
    }

    @Test func listsMixValuesAndRanges() throws {
        #expect(
            try fireTimes("0 1,3-4,22 * * *", after: "2026-01-01T00:00:00Z", count: 5)
                == [
                    "2026-01-01T01:00:00Z", "2026-01-01T03:00:00Z", "2026-01-01T04:00:00Z",
                    "2026-01-01T22:00:00Z", "2026-01-02T01:00:00Z",
                ])
    }

    @Test func sixFieldSeconds() throws {
        #expect(
            try fireTimes("*/20 * * * * *", after: "2026-01-01T00:00:00Z", count: 3)
                == ["2026-01-01T00:00:20Z", "2026-01-01T00:00:40Z", "2026-01-01T00:01:00Z"])
        #expect(
            try fireTimes("30 0 12 * * *", after: "2026-01-01T00:00:00Z", count: 2)
                == ["2026-01-01T12:00:30Z", "2026-01-02T12:00:30Z"])
    }

    @Test func dayOfMonthOrDayOfWeekWhenBothRestricted() throws {
        // April 2026: Fridays are the 3rd, 10th, 17th, 24th; the 13th is a Monday.
        #expect(
            try fireTimes("0 0 13 * FRI", after: "2026-04-01T00:00:00Z", count: 5)
                == [
                    "2026-04-03T00:00:00Z", "2026-04-10T00:00:00Z", "2026-04-13T00:00:00Z",
                    "2026-04-17T00:00:00Z", "2026-04-24T00:00:00Z",
                ])
    }

    @Test func dayOfMonthAndDayOfWeekWhenOneStartsWithStar() throws {
        // `*/10` starts with `*`, so both must match: a Monday on the 1st, 11th, 21st or 31st.
        #expect(
            try fireTimes("0 0 */10 * MON", after: "2026-01-01T00:00:00Z", count: 2)
                == ["2026-05-11T00:00:00Z", "2026-06-01T00:00:00Z"])
        // `?` counts as unrestricted too: every Monday.
        #expect(
            try fireTimes("0 0 ? * MON", after: "2026-01-01T00:00:00Z", count: 2)
                == ["2026-01-05T00:00:00Z", "2026-01-12T00:00:00Z"])
        // A star weekday leaves only the day of month.
        #expect(
            try fireTimes("0 0 13 * *", after: "2026-04-01T00:00:00Z", count: 2)
                == ["2026-04-13T00:00:00Z", "2026-05-13T00:00:00Z"])
    }

    @Test func leapDay() throws {
        #expect(
            try fireTimes("0 0 29 2 *", after: "2026-01-01T00:00:00Z", count: 2)
                == ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"])
        // 2100 is not a leap year, so the gap is eight years.
        #expect(try nextFire("0 0 29 2 *", after: "2096-03-01T00:00:00Z") == "2104-02-29T00:00:00Z")
    }

    @Test(arguments: ["0 0 30 2 *", "0 0 31 4,6,9,11 *", "0 0 31 2 *"])
    func impossibleDatesReturnNil(expression: String) throws {
        #expect(try nextFire(expression, after: "2026-01-01T00:00:00Z") == nil)
        #expect(try fireTimes(expression, after: "2026-01-01T00:00:00Z", count: 3).isEmpty)
    }

    @Test func thirtyFirstSkipsShortMonths() throws {
        #expect(
            try fireTimes("0 0 31 * *", after: "2026-01-31T00:00:00Z", count: 3)
                == ["2026-03-31T00:00:00Z", "2026-05-31T00:00:00Z", "2026-07-31T00:00:00Z"])
    }

    @Test func lastDayOfMonth() throws {
        #expect(
            try fireTimes("0 0 L * *", after: "2026-01-01T00:00:00Z", count: 4)
                == [
                    "2026-01-31T00:00:00Z", "2026-02-28T00:00:00Z", "2026-03-31T00:00:00Z",
                    "2026-04-30T00:00:00Z",
                ])
        #expect(try nextFire("0 0 L 2 *", after: "2028-01-01T00:00:00Z") == "2028-02-29T00:00:00Z")
        #expect(
            try fireTimes("0 0 1,15,L * *", after: "2026-02-01T00:00:00Z", count: 3)
                == ["2026-02-15T00:00:00Z", "2026-02-28T00:00:00Z", "2026-03-01T00:00:00Z"])
    }

    @Test func yearEndRollover() throws {
        #expect(try nextFire("0 0 * * *", after: "2026-12-31T23:59:59Z") == "2027-01-01T00:00:00Z")
        #expect(try nextFire("59 23 31 12 *", after: "2026-12-31T23:59:00Z") == "2027-12-31T23:59:00Z")
    }

    @Test func countEdgeCases() throws {
        #expect(try fireTimes("* * * * *", after: "2026-01-01T00:00:00Z", count: 0).isEmpty)
        #expect(try fireTimes("* * * * *", after: "2026-01-01T00:00:00Z", count: -3).isEmpty)
    }

    @Test func datesOutsideTheSupportedYearsReturnNil() throws {
        let cron = try CronExpression("* * * * *")
        let utc = try zone("UTC")
        #expect(cron.nextDate(after: Date(timeIntervalSince1970: .infinity), in: utc) == nil)
        #expect(cron.nextDate(after: Date(timeIntervalSince1970: 1e15), in: utc) == nil)
        #expect(cron.nextDate(after: Date.distantFuture, in: utc) != nil)
    }

    /// These would take millions of steps if the search went minute by minute; the test
    /// only checks the answers, the speed shows in the suite's run time.
    @Test func sparseSchedulesResolveByFieldSkipping() throws {
        // February 29th OR any Monday in February: soon, not at the next leap day.
        #expect(
            try fireTimes("0 0 29 2 1", after: "2026-01-01T00:00:00Z", count: 5)
                == [
                    "2026-02-02T00:00:00Z", "2026-02-09T00:00:00Z", "2026-02-16T00:00:00Z",
                    "2026-02-23T00:00:00Z", "2027-02-01T00:00:00Z",
                ])
        #expect(
            try fireTimes("0 0 1 1 *", after: "2026-06-01T00:00:00Z", in: "Europe/Bucharest", count: 5)
                == [
                    "2026-12-31T22:00:00Z", "2027-12-31T22:00:00Z", "2028-12-31T22:00:00Z",
                    "2029-12-31T22:00:00Z", "2030-12-31T22:00:00Z",
                ])
        let everySecond = try CronExpression("* * * * * *")
        let start = try instant("2026-01-01T00:00:00Z")
        #expect(everySecond.nextDates(after: start, in: try zone("America/New_York"), count: 500).count == 500)
    }
}
