import Foundation
import Testing

@testable import PlinthCron

/// Europe/Bucharest, 2026: EET (UTC+2) / EEST (UTC+3).
/// - 2026-03-29 01:00Z: local 03:00 -> 04:00, so 03:00-03:59 never happens.
/// - 2026-10-25 01:00Z: local 04:00 -> 03:00, so 03:00-03:59 happens twice
///   (00:00-00:59Z in EEST, then 01:00-01:59Z in EET).
@Suite("Daylight saving in Europe/Bucharest")
struct BucharestTests {
    let zone = "Europe/Bucharest"

    @Test func fixedTimeInSpringGapRunsWhenClocksResume() throws {
        #expect(
            try fireTimes("30 3 * * *", after: "2026-03-27T12:00:00Z", in: zone, count: 3)
                == [
                    "2026-03-28T01:30:00Z",  // 03:30 EET
                    "2026-03-29T01:00:00Z",  // 03:30 does not exist: 04:00 EEST
                    "2026-03-30T00:30:00Z",  // 03:30 EEST
                ])
        #expect(
            try fireTimes("0 3 * * *", after: "2026-03-28T12:00:00Z", in: zone, count: 2)
                == ["2026-03-29T01:00:00Z", "2026-03-30T00:00:00Z"])
        // Six-field form behaves the same.
        #expect(try nextFire("15 45 3 * * *", after: "2026-03-28T12:00:00Z", in: zone) == "2026-03-29T01:00:00Z")
    }

    @Test func springGapCatchUpAtTheBoundaries() throws {
        // One second before the jump still sees it.
        #expect(try nextFire("30 3 * * *", after: "2026-03-29T00:59:59Z", in: zone) == "2026-03-29T01:00:00Z")
        // At the jump itself the catch-up run is not strictly after `date`.
        #expect(try nextFire("30 3 * * *", after: "2026-03-29T01:00:00Z", in: zone) == "2026-03-30T00:30:00Z")
    }

    @Test func severalFixedTimesInTheGapRunOnce() throws {
        // 03:00 and 03:30 both fall in the gap and share the one catch-up instant.
        #expect(
            try fireTimes("0,30 3 * * *", after: "2026-03-28T12:00:00Z", in: zone, count: 3)
                == ["2026-03-29T01:00:00Z", "2026-03-30T00:00:00Z", "2026-03-30T00:30:00Z"])
        // A job that also matches 04:00 still fires once there.
        #expect(
            try fireTimes("30 3,4 * * *", after: "2026-03-28T12:00:00Z", in: zone, count: 3)
                == ["2026-03-29T01:00:00Z", "2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z"])
    }

    @Test func wildcardMinuteInGapHourHasNoRuns() throws {
        #expect(try nextFire("* 3 * * *", after: "2026-03-28T23:00:00Z", in: zone) == "2026-03-30T00:00:00Z")
    }

    @Test func hourlyAcrossSpringForward() throws {
        #expect(
            try fireTimes("0 * * * *", after: "2026-03-28T22:30:00Z", in: zone, count: 4)
                == [
                    "2026-03-28T23:00:00Z",  // 01:00 EET
                    "2026-03-29T00:00:00Z",  // 02:00 EET
                    "2026-03-29T01:00:00Z",  // 04:00 EEST
                    "2026-03-29T02:00:00Z",  // 05:00 EEST
                ])
    }

    @Test func everyFifteenMinutesAcrossSpringForward() throws {
        #expect(
            try fireTimes("*/15 * * * *", after: "2026-03-29T00:30:00Z", in: zone, count: 4)
                == [
                    "2026-03-29T00:45:00Z",  // 02:45 EET
                    "2026-03-29T01:00:00Z",  // 04:00 EEST
                    "2026-03-29T01:15:00Z",
                    "2026-03-29T01:30:00Z",
                ])
    }

    @Test func fixedTimeInRepeatedHourRunsOnceAtFirstOccurrence() throws {
        #expect(
            try fireTimes("30 3 * * *", after: "2026-10-24T00:00:00Z", in: zone, count: 3)
                == [
                    "2026-10-24T00:30:00Z",  // 03:30 EEST
                    "2026-10-25T00:30:00Z",  // first 03:30 (EEST); not again at 01:30Z
                    "2026-10-26T01:30:00Z",  // 03:30 EET
                ])
        // Asking from inside the first pass, after the run, skips the second pass.
        #expect(try nextFire("30 3 * * *", after: "2026-10-25T00:45:00Z", in: zone) == "2026-10-26T01:30:00Z")
        // Asking from inside the second pass too.
        #expect(try nextFire("30 3 * * *", after: "2026-10-25T01:10:00Z", in: zone) == "2026-10-26T01:30:00Z")
    }

    @Test func fixedHourWithSteppedMinutesRunsOnlyInFirstPass() throws {
        #expect(
            try fireTimes("*/15 3 * * *", after: "2026-10-25T00:00:00Z", in: zone, count: 4)
                == [
                    "2026-10-25T00:15:00Z", "2026-10-25T00:30:00Z", "2026-10-25T00:45:00Z",
                    "2026-10-26T01:00:00Z",
                ])
    }

    @Test func hourlyAcrossFallBack() throws {
        #expect(
            try fireTimes("0 * * * *", after: "2026-10-24T22:30:00Z", in: zone, count: 4)
                == [
                    "2026-10-24T23:00:00Z",  // 02:00 EEST
                    "2026-10-25T00:00:00Z",  // 03:00 EEST
                    "2026-10-25T01:00:00Z",  // 03:00 EET
                    "2026-10-25T02:00:00Z",  // 04:00 EET
                ])
    }

    @Test func everyFifteenMinutesAcrossFallBack() throws {
        #expect(
            try fireTimes("*/15 * * * *", after: "2026-10-25T00:40:00Z", in: zone, count: 4)
                == [
                    "2026-10-25T00:45:00Z",  // 03:45 EEST
                    "2026-10-25T01:00:00Z",  // 03:00 EET
                    "2026-10-25T01:15:00Z",
                    "2026-10-25T01:30:00Z",
                ])
    }
}

/// America/New_York, 2026: EST (UTC-5) / EDT (UTC-4).
/// - 2026-03-08 07:00Z: local 02:00 -> 03:00.
/// - 2026-11-01 06:00Z: local 02:00 -> 01:00, so 01:00-01:59 happens twice
///   (05:00-05:59Z in EDT, then 06:00-06:59Z in EST).
@Suite("Daylight saving in America/New_York")
struct NewYorkTests {
    let zone = "America/New_York"

    @Test func fixedTimeInSpringGapRunsWhenClocksResume() throws {
        #expect(
            try fireTimes("30 2 * * *", after: "2026-03-07T00:00:00Z", in: zone, count: 3)
                == [
                    "2026-03-07T07:30:00Z",  // 02:30 EST
                    "2026-03-08T07:00:00Z",  // 02:30 does not exist: 03:00 EDT
                    "2026-03-09T06:30:00Z",  // 02:30 EDT
                ])
    }

    @Test func hourlyAcrossSpringForward() throws {
        #expect(
            try fireTimes("0 * * * *", after: "2026-03-08T05:30:00Z", in: zone, count: 3)
                == [
                    "2026-03-08T06:00:00Z",  // 01:00 EST
                    "2026-03-08T07:00:00Z",  // 03:00 EDT
                    "2026-03-08T08:00:00Z",  // 04:00 EDT
                ])
    }

    @Test func everyFifteenMinutesAcrossSpringForward() throws {
        #expect(
            try fireTimes("*/15 * * * *", after: "2026-03-08T06:40:00Z", in: zone, count: 3)
                == [
                    "2026-03-08T06:45:00Z",  // 01:45 EST
                    "2026-03-08T07:00:00Z",  // 03:00 EDT
                    "2026-03-08T07:15:00Z",
                ])
    }

    @Test func fixedTimeInRepeatedHourRunsOnceAtFirstOccurrence() throws {
        #expect(
            try fireTimes("30 1 * * *", after: "2026-10-31T00:00:00Z", in: zone, count: 3)
                == [
                    "2026-10-31T05:30:00Z",  // 01:30 EDT
                    "2026-11-01T05:30:00Z",  // first 01:30 (EDT); not again at 06:30Z
                    "2026-11-02T06:30:00Z",  // 01:30 EST
                ])
        #expect(try nextFire("30 1 * * *", after: "2026-11-01T05:45:00Z", in: zone) == "2026-11-02T06:30:00Z")
    }

    @Test func hourlyAcrossFallBack() throws {
        #expect(
            try fireTimes("0 * * * *", after: "2026-11-01T03:30:00Z", in: zone, count: 4)
                == [
                    "2026-11-01T04:00:00Z",  // 00:00 EDT
                    "2026-11-01T05:00:00Z",  // 01:00 EDT
                    "2026-11-01T06:00:00Z",  // 01:00 EST
                    "2026-11-01T07:00:00Z",  // 02:00 EST
                ])
        // From inside the first pass, the second 01:00 is next.
        #expect(try nextFire("0 * * * *", after: "2026-11-01T05:10:00Z", in: zone) == "2026-11-01T06:00:00Z")
    }

    @Test func everyFifteenMinutesAcrossFallBack() throws {
        #expect(
            try fireTimes("*/15 * * * *", after: "2026-11-01T05:40:00Z", in: zone, count: 3)
                == [
                    "2026-11-01T05:45:00Z",  // 01:45 EDT
                    "2026-11-01T06:00:00Z",  // 01:00 EST
                    "2026-11-01T06:15:00Z",
                ])
    }

    @Test func dailyMidnightUnaffected() throws {
        #expect(
            try fireTimes("@daily", after: "2026-03-07T12:00:00Z", in: zone, count: 2)
                == ["2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z"])
        #expect(
            try fireTimes("@daily", after: "2026-10-31T12:00:00Z", in: zone, count: 2)
                == ["2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z"])
    }
}

/// America/Sao_Paulo, 2018-11-04 03:00Z: local 00:00 -> 01:00 (UTC-3 -> UTC-2), so that
/// day has no midnight.
@Suite("Daylight saving at midnight in America/Sao_Paulo")
struct MidnightGapTests {
    let zone = "America/Sao_Paulo"

    @Test func dailyJobRunsWhenTheDayStarts() throws {
        #expect(
            try fireTimes("@daily", after: "2018-11-03T12:00:00Z", in: zone, count: 3)
                == [
                    "2018-11-04T03:00:00Z",  // 01:00 -02, the first instant of the 4th
                    "2018-11-05T02:00:00Z",
                    "2018-11-06T02:00:00Z",
                ])
    }

    @Test func hourlyJobSkipsTheMissingHour() throws {
        #expect(
            try fireTimes("0 * * * *", after: "2018-11-04T01:30:00Z", in: zone, count: 3)
                == [
                    "2018-11-04T02:00:00Z",  // 23:00 -03 on the 3rd
                    "2018-11-04T03:00:00Z",  // 01:00 -02
                    "2018-11-04T04:00:00Z",
                ])
    }

    @Test func impossibleScheduleInADaylightSavingZoneStillEnds() throws {
        #expect(try nextFire("0 0 30 2 *", after: "2018-01-01T00:00:00Z", in: zone) == nil)
    }
}
