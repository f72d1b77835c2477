/// `Array.prototype.slice` and a stable sort, with JavaScript's argument conversions, for the
/// nodes that cut and order item lists.
enum ArrayFunctions {
    /// `items.slice(start, end)`: fractions truncate, negatives count from the end, `NaN` is 0.
    static func slice<T>(_ items: [T], _ start: Double, _ end: Double? = nil) -> [T] {
        let from = position(start, count: items.count)
        let to = end.map { position($0, count: items.count) } ?? items.count
        return from < to ? Array(items[from..<to]) : []
    }

    /// A relative index as `slice` resolves it.
    static func position(_ value: Double, count: Int) -> Int {
        if value.isNaN { return 0 }
        let whole = value.rounded(.towardZero)
        if whole < 0 { return whole <= -Double(count) ? 0 : count + Int(whole) }
        return whole >= Double(count) ? count : Int(whole)
    }

    /// A stable merge sort driven by a JavaScript comparator (negative: `a` first). The right
    /// element moves ahead only when the comparator says so, so equal elements keep their
    /// order and a `NaN` result counts as equal.
    static func stableSorted(_ items: [ScriptValue], by compare: (ScriptValue, ScriptValue) throws(CaughtScriptError) -> Double) throws(CaughtScriptError) -> [ScriptValue] {
        var source = items
        guard source.count > 1 else { return source }
        var target = source
        var width = 1
        while width < source.count {
            var start = 0
            while start < source.count {
                let middle = min(start + width, source.count), end = min(start + 2 * width, source.count)
                var left = start, right = middle, out = start
                while out < end {
                    let takeRight = right < end ? left >= middle ? true : try compare(source[right], source[left]) < 0 : false
                    if takeRight {
                        target[out] = source[right]; right += 1
                    } else {
                        target[out] = source[left]; left += 1
                    }
                    out += 1
                }
                start += 2 * width
            }
            swap(&source, &target)
            width *= 2
        }
        return source
    }

    /// Fisher–Yates, as upstream's `random` sort, `shuffle` and `sample`.
    static func shuffled(_ items: [ScriptValue]) -> [ScriptValue] {
        var out = items
        var generator = SystemRandomNumberGenerator()
        var i = out.count - 1
        while i > 0 {
            out.swapAt(i, Int.random(in: 0...i, using: &generator))
            i -= 1
        }
        return out
    }
}
