/// A set of small non-negative integers (0-63) stored as one bit each.
///
/// Every cron field fits in 64 bits, and the search only ever asks "is this value in"
/// and "what is the next value at or after this one", both single instructions here.
struct FieldValues: Hashable, Sendable {
    private var bits: UInt64 = 0

    func contains(_ value: Int) -> Bool {
        (0..<64).contains(value) && bits & (1 << UInt64(value)) != 0
    }

    /// The smallest member that is `>= value`, or `nil` if there is none.
    func first(atOrAfter value: Int) -> Int? {
        guard value < 64 else { return nil }
        let remaining = bits & (UInt64.max << UInt64(max(value, 0)))
        return remaining == 0 ? nil : remaining.trailingZeroBitCount
    }

    mutating func insert(_ value: Int) {
        bits |= 1 << UInt64(value)
    }

    mutating func remove(_ value: Int) {
        bits &= ~(1 << UInt64(value))
    }

    mutating func insert(_ range: ClosedRange<Int>, step: Int) {
        for value in stride(from: range.lowerBound, through: range.upperBound, by: step) {
            insert(value)
        }
    }
}
