import Foundation

/// A parsed cron schedule.
///
/// Accepts the classic five fields (`minute hour day-of-month month day-of-week`), a
/// six-field form with seconds first, and the macros `@yearly`, `@annually`,
/// `@monthly`, `@weekly`, `@daily`, `@midnight` and `@hourly`. Five-field expressions
/// and macros fire at second 0.
///
/// Each field takes `*`, numbers, ranges `a-b`, steps `*/n`, `a-b/n` and `a/n` (from `a`
/// to the end of the field), and comma lists of those. Months take `JAN`-`DEC`, weekdays
/// `SUN`-`SAT` (case-insensitive); both 0 and 7 mean Sunday. Day-of-month also takes
/// `L` (the month's last day), and both day fields take `?` as a synonym for `*`.
///
/// When both day fields are restricted (neither starts with `*` or `?`) a day matches if
/// either does, otherwise both must: the Vixie cron rule, so `0 0 13 * FRI` fires on
/// every 13th and every Friday.
///
/// Equality and hashing follow the text: `@daily` and `0 0 * * *` are different values
/// even though they fire at the same times.
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    /// The text this expression was parsed from, exactly as given.
    public let source: String

    /// Whether the expression has a seconds field; `false` for five fields and macros,
    /// which fire at second 0.
    public var hasSeconds: Bool { hasSecondsField }

    private let hasSecondsField: Bool
    let second: FieldSpec
    let minute: FieldSpec
    let hour: FieldSpec
    let dayOfMonth: FieldSpec
    let month: FieldSpec
    let dayOfWeek: FieldSpec

    /// Parses `text`; surrounding whitespace is ignored and fields may be separated by
    /// any run of spaces or tabs.
    ///
    /// - Throws: ``CronParseError`` naming the first offending field, for a wrong number of
    ///   fields, an unknown macro, an out-of-range value, a zero step, a reversed range,
    ///   an empty list item or anything that is not cron syntax.
    public init(_ text: String) throws(CronParseError) {
        source = text
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)

        let fields: [Substring]
        if trimmed.hasPrefix("@") {
            guard let expansion = CronMacro.expansion(of: trimmed) else {
                throw CronParseError(
                    expression: text, field: nil,
                    reason: "unknown macro \"\(trimmed)\"; expected one of \(CronMacro.names)")
            }
            fields = expansion.split(separator: " ")
        } else {
            fields = trimmed.split(whereSeparator: \.isWhitespace)
        }

        guard !fields.isEmpty else {
            throw CronParseError(expression: text, field: nil, reason: "expression is empty")
        }
        guard fields.count == 5 || fields.count == 6 else {
            throw CronParseError(
                expression: text, field: nil,
                reason: "expected 5 or 6 fields, found \(fields.count)")
        }

        hasSecondsField = fields.count == 6
        let rest = Array(fields.suffix(5))
        func parse(_ index: Int, as field: CronField) throws(CronParseError) -> FieldSpec {
            try FieldParser(expression: text, field: field).parse(rest[index])
        }
        if hasSecondsField {
            second = try FieldParser(expression: text, field: .second).parse(fields[0])
        } else {
            second = FieldSpec.zeroSecond
        }
        minute = try parse(0, as: .minute)
        hour = try parse(1, as: .hour)
        dayOfMonth = try parse(2, as: .dayOfMonth)
        month = try parse(3, as: .month)
        dayOfWeek = try parse(4, as: .dayOfWeek)
    }

    /// The source text, unchanged.
    public var description: String { source }
}
