import Foundation
import Testing

@testable import PlinthCron

@Suite("Parsing")
struct ParsingTests {
    @Test func keepsSourceAndDescription() throws {
        let cron = try CronExpression("  */5 * * * *\t")
        #expect(cron.source == "  */5 * * * *\t")
        #expect(cron.description == "  */5 * * * *\t")
        #expect(!cron.hasSeconds)
    }

    @Test func sixFieldsHaveSeconds() throws {
        #expect(try CronExpression("0 */5 * * * *").hasSeconds)
        #expect(try !CronExpression("@hourly").hasSeconds)
    }

    @Test func equalityFollowsText() throws {
        #expect(try CronExpression("0 0 * * *") == CronExpression("0 0 * * *"))
        #expect(try CronExpression("@daily") != CronExpression("0 0 * * *"))
        let set: Set = [try CronExpression("@daily"), try CronExpression("@daily")]
        #expect(set.count == 1)
    }

    @Test func fieldsSeparatedByAnyWhitespace() throws {
        #expect(
            try fireTimes("0\t12   * * *", after: "2026-01-01T00:00:00Z", count: 1)
                == ["2026-01-01T12:00:00Z"])
    }

    @Test(arguments: [
        ("@yearly", "2027-01-01T00:00:00Z"),
        ("@annually", "2027-01-01T00:00:00Z"),
        ("@monthly", "2026-06-01T00:00:00Z"),
        // 2026-05-05 is a Tuesday; the following Sunday is the 10th.
        ("@weekly", "2026-05-10T00:00:00Z"),
        ("@daily", "2026-05-06T00:00:00Z"),
        ("@midnight", "2026-05-06T00:00:00Z"),
        ("@hourly", "2026-05-05T11:00:00Z"),
        ("@DAILY", "2026-05-06T00:00:00Z"),
    ])
    func macros(macro: String, expected: String) throws {
        #expect(try nextFire(macro, after: "2026-05-05T10:20:00Z") == expected)
    }

    @Test func monthNamesAreCaseInsensitive() throws {
        #expect(
            try fireTimes("0 0 1 JAN,jul *", after: "2026-01-01T00:00:00Z", count: 3)
                == ["2026-07-01T00:00:00Z", "2027-01-01T00:00:00Z", "2027-07-01T00:00:00Z"])
        #expect(
            try fireTimes("0 0 1 feb-Apr *", after: "2026-01-01T00:00:00Z", count: 4)
                == [
                    "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z",
                    "2027-02-01T00:00:00Z",
                ])
    }

    @Test func weekdayNames() throws {
        // 2026-01-02 is a Friday.
        #expect(
            try fireTimes("0 12 * * mon-FRI", after: "2026-01-02T13:00:00Z", count: 3)
                == ["2026-01-05T12:00:00Z", "2026-01-06T12:00:00Z", "2026-01-07T12:00:00Z"])
    }

    @Test(arguments: ["0 0 * * 0", "0 0 * * 7", "0 0 * * SUN", "0 0 * * sun"])
    func sundaySpellings(expression: String) throws {
        // 2026-01-01 is a Thursday.
        #expect(
            try fireTimes(expression, after: "2026-01-01T00:00:00Z", count: 2)
                == ["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"])
    }

    @Test func rangeEndingInSevenIncludesSunday() throws {
        #expect(
            try fireTimes("0 0 * * 5-7", after: "2026-01-01T00:00:00Z", count: 4)
                == [
                    "2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z",
                    "2026-01-09T00:00:00Z",
                ])
    }

    @Test func steppedWeekdaysStopAtSaturday() throws {
        // `1/3` covers Monday, Thursday and not the Sunday alias 7.
        #expect(
            try fireTimes("0 0 * * 1/3", after: "2026-01-01T00:00:00Z", count: 3)
                == ["2026-01-05T00:00:00Z", "2026-01-08T00:00:00Z", "2026-01-12T00:00:00Z"])
    }
}
