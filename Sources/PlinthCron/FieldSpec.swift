/// One parsed field: the values it accepts plus the facts about how it was written
/// that change scheduling behaviour.
struct FieldSpec: Hashable, Sendable {
    var values = FieldValues()

    /// Day-of-month `L`: matches whatever the last day of the month is, which the
    /// value set alone cannot express.
    var includesLastDayOfMonth = false

    /// Written starting with `*` or `?`. Vixie cron decides between AND and OR for the
    /// two day fields from this alone, so `*/2` counts as unrestricted.
    var isUnrestricted = false

    /// Written with explicit values only (numbers, names, ranges, lists; no `*`, `?`
    /// or `/`). Fixed hours and minutes get cronie's daylight-saving treatment.
    var isFixed = false

    /// The seconds field of a five-field expression: always second 0.
    static let zeroSecond: FieldSpec = {
        var spec = FieldSpec(isFixed: true)
        spec.values.insert(0)
        return spec
    }()
}
