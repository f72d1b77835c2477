import Foundation
@testable import PlinthKernel
import Testing

/// JSON times and log timestamps are written without a formatter; they must read as
/// Foundation's own RFC 3339 text does.
@Suite struct InternetTimeTests {
    @Test func knownInstantsAreWrittenInUTC() {
        #expect(Date(timeIntervalSince1970: 0).iso8601 == "1970-01-01T00:00:00Z")
        #expect(Date(timeIntervalSince1970: 951_782_400).iso8601 == "2000-02-29T00:00:00Z")
        #expect(Date(timeIntervalSince1970: 1_796_253_635.123_9).iso8601Milliseconds == "2026-12-02T23:20:35.123Z")
        #expect(Date(timeIntervalSince1970: 4_102_444_799.999_9).iso8601Milliseconds == "2099-12-31T23:59:59.999Z")
    }

    @Test func everyInstantReadsAsFoundationWritesIt() {
        var generator = SystemRandomNumberGenerator()
        let style = Date.ISO8601FormatStyle(timeZone: .gmt)
        for _ in 0..<2_000 {
            let date = Date(timeIntervalSince1970: Double(Int.random(in: 0...4_102_444_799, using: &generator)))
            #expect(date.iso8601 == date.formatted(style))
        }
    }

    @Test func jsonDatesMatchTheISO8601Strategy() throws {
        let dates = [Date(timeIntervalSince1970: 1_796_253_635), Date(timeIntervalSince1970: 86_399)]
        let ours = JSONEncoder()
        ours.dateEncodingStrategy = .internetTime
        let foundation = JSONEncoder()
        foundation.dateEncodingStrategy = .iso8601
        #expect(try ours.encode(dates) == foundation.encode(dates))
    }
}
