/// Why a cron expression was rejected.
///
/// The description is a single line that names the expression, the field and the
/// problem, so it can be shown to whoever wrote the expression without extra context,
/// e.g. `cron "0 25 * * *": hour 25 is out of range 0-23`.
public struct CronParseError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The expression exactly as it was passed to ``CronExpression/init(_:)``.
    public let expression: String

    /// The name of the offending field ("second", "minute", "hour", "day-of-month",
    /// "month" or "day-of-week"), or `nil` when the expression as a whole is wrong
    /// (empty, wrong number of fields, unknown macro).
    public let field: String?

    /// What is wrong, phrased to follow the field name.
    public let reason: String

    init(expression: String, field: String?, reason: String) {
        self.expression = expression
        self.field = field
        self.reason = reason
    }

    /// One line: `cron "<expression>": [<field> ]<reason>`.
    public var description: String {
        let subject = field.map { "\($0) " } ?? ""
        return "cron \"\(expression)\": \(subject)\(reason)"
    }
}
