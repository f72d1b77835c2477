import Testing

@testable import PlinthCron

@Suite("Parse errors")
struct ParseErrorTests {
    @Test(arguments: [
        // Field count and whole-expression problems.
        ("", "cron \"\": expression is empty"),
        ("   ", "cron \"   \": expression is empty"),
        ("0 0 * *", "cron \"0 0 * *\": expected 5 or 6 fields, found 4"),
        ("0 0 0 * * * *", "cron \"0 0 0 * * * *\": expected 5 or 6 fields, found 7"),
        (
            "@fortnightly",
            "cron \"@fortnightly\": unknown macro \"@fortnightly\"; expected one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly"
        ),
        // Out of range, per field.
        ("61 * * * * *", "cron \"61 * * * * *\": second 61 is out of range 0-59"),
        ("60 * * * *", "cron \"60 * * * *\": minute 60 is out of range 0-59"),
        ("0 25 * * *", "cron \"0 25 * * *\": hour 25 is out of range 0-23"),
        ("0 0 0 * *", "cron \"0 0 0 * *\": day-of-month 0 is out of range 1-31"),
        ("0 0 32 * *", "cron \"0 0 32 * *\": day-of-month 32 is out of range 1-31"),
        ("0 0 * 13 *", "cron \"0 0 * 13 *\": month 13 is out of range 1-12"),
        ("0 0 * * 8", "cron \"0 0 * * 8\": day-of-week 8 is out of range 0-7"),
        ("0 1-24 * * *", "cron \"0 1-24 * * *\": hour 24 is out of range 0-23"),
        (
            "99999999999999999999 * * * *",
            "cron \"99999999999999999999 * * * *\": minute 99999999999999999999 is out of range 0-59"
        ),
        // Steps.
        ("*/0 * * * *", "cron \"*/0 * * * *\": minute step 0 is out of range; a step must be at least 1"),
        ("*/x * * * *", "cron \"*/x * * * *\": minute step \"x\" is not a number"),
        ("*/ * * * *", "cron \"*/ * * * *\": minute step \"\" is not a number"),
        ("1/2/3 * * * *", "cron \"1/2/3 * * * *\": minute \"1/2/3\" has more than one step"),
        // Reversed ranges.
        ("0 5-2 * * *", "cron \"0 5-2 * * *\": hour range 5-2 is reversed; write the smaller value first"),
        (
            "0 0 * * FRI-MON",
            "cron \"0 0 * * FRI-MON\": day-of-week range FRI-MON is reversed; write the smaller value first"
        ),
        // Empty list items.
        ("1,,2 * * * *", "cron \"1,,2 * * * *\": minute has an empty list item in \"1,,2\""),
        ("0 1, * * *", "cron \"0 1, * * *\": hour has an empty list item in \"1,\""),
        // Garbage.
        ("abc * * * *", "cron \"abc * * * *\": minute \"abc\" is not a number"),
        ("-5 * * * *", "cron \"-5 * * * *\": minute \"-5\" is missing a value"),
        ("0 0 1-* * *", "cron \"0 0 1-* * *\": day-of-month \"*\" is not a number or L"),
        ("0 0 * FOO *", "cron \"0 0 * FOO *\": month \"FOO\" is not a number or month name"),
        ("0 0 * * FUNDAY", "cron \"0 0 * * FUNDAY\": day-of-week \"FUNDAY\" is not a number or weekday name"),
        ("0 0 * MON *", "cron \"0 0 * MON *\": month \"MON\" is not a number or month name"),
        ("+5 * * * *", "cron \"+5 * * * *\": minute \"+5\" is not a number"),
        ("0 ? * * *", "cron \"0 ? * * *\": hour \"?\" is only allowed in day-of-month and day-of-week"),
        ("0 0 L/2 * *", "cron \"0 0 L/2 * *\": day-of-month \"L/2\" cannot step from L; L stands alone"),
        ("0 0 * * L", "cron \"0 0 * * L\": day-of-week \"L\" is not a number or weekday name"),
    ])
    func rejects(expression: String, message: String) {
        #expect(throws: CronParseError.self) { try CronExpression(expression) }
        do {
            _ = try CronExpression(expression)
        } catch {
            #expect(error.description == message)
            #expect(error.expression == expression)
        }
    }

    @Test func errorNamesTheField() {
        do {
            _ = try CronExpression("0 25 * * *")
            Issue.record("expected an error")
        } catch {
            #expect(error.field == "hour")
            #expect(error.reason == "25 is out of range 0-23")
        }
        do {
            _ = try CronExpression("* *")
            Issue.record("expected an error")
        } catch {
            #expect(error.field == nil)
        }
    }

    @Test(arguments: [
        "* * * * *", "0 0 ? * MON", "0 0 L * ?", "0 0 1,15,L * *", "0-59/5 0-23 1-31 1-12 0-7",
        "5/15 * * * *", "0 0 * JAN-DEC SUN-SAT", "0 0 0 1 1 *", "@weekly", " @daily ",
    ])
    func accepts(expression: String) {
        #expect(throws: Never.self) { try CronExpression(expression) }
    }
}
