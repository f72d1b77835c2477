/// The six positions of a cron expression, with the limits each one accepts.
enum CronField: Sendable, CaseIterable {
    case second, minute, hour, dayOfMonth, month, dayOfWeek

    /// The name used in error messages.
    var name: String {
        switch self {
        case .second: "second"
        case .minute: "minute"
        case .hour: "hour"
        case .dayOfMonth: "day-of-month"
        case .month: "month"
        case .dayOfWeek: "day-of-week"
        }
    }

    /// Every number a user may write in this field.
    var bounds: ClosedRange<Int> {
        switch self {
        case .second, .minute: 0...59
        case .hour: 0...23
        case .dayOfMonth: 1...31
        case .month: 1...12
        // 7 is accepted as a second spelling of Sunday, as in Vixie cron.
        case .dayOfWeek: 0...7
        }
    }

    /// What `*` and an open-ended step (`a/n`) cover.
    ///
    /// Day-of-week stops at 6 so that the Sunday alias 7 never adds an extra,
    /// surprising Sunday to a stepped weekday list such as `1/3`.
    var span: ClosedRange<Int> {
        self == .dayOfWeek ? 0...6 : bounds
    }

    /// How a valid value looks, for "is not ..." error messages.
    var expectedValue: String {
        switch self {
        case .dayOfMonth: "a number or L"
        case .month: "a number or month name"
        case .dayOfWeek: "a number or weekday name"
        default: "a number"
        }
    }

    /// The number a three-letter month or weekday name stands for, case-insensitively.
    func value(named name: Substring) -> Int? {
        let key = name.uppercased()
        switch self {
        case .month:
            return Self.monthNames.firstIndex(of: key).map { $0 + 1 }
        case .dayOfWeek:
            return Self.weekdayNames.firstIndex(of: key)
        default:
            return nil
        }
    }

    private static let monthNames = [
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
    ]
    private static let weekdayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
}
