/// JavaScript's `String.prototype` methods the text nodes call, on UTF-16 code units where
/// JavaScript counts them (`length`, `substring`, `slice`, `split("")`). A cut through a
/// surrogate pair leaves U+FFFD here, where JavaScript would keep a lone surrogate.
enum JSText {
    static func string(_ units: some Sequence<UInt16>) -> String { String(decoding: Array(units), as: UTF16.self) }

    /// `trim()`: ECMAScript white space and line terminators at both ends.
    static func trim(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !RegexCharacters.isSpace($0.value) }) else { return "" }
        let last = scalars.lastIndex(where: { !RegexCharacters.isSpace($0.value) })!
        return String(scalars[first...last])
    }

    /// `toUpperCase()`: full Unicode mapping, locale-independent.
    static func upper(_ text: String) -> String { text.uppercased() }

    /// `toLowerCase()`: full Unicode mapping, with the final-sigma rule Swift's `lowercased()`
    /// lacks (`ΟΔΟΣ` → `οδος`).
    static func lower(_ text: String) -> String {
        guard text.unicodeScalars.contains("\u{3A3}") else { return text.lowercased() }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        for (i, scalar) in scalars.enumerated() {
            if scalar == "\u{3A3}" {
                out.append(isFinalSigma(scalars, i) ? "\u{3C2}" : "\u{3C3}")
            } else {
                out.append(contentsOf: String(scalar).lowercased().unicodeScalars)
            }
        }
        return String(out)
    }

    private static func isFinalSigma(_ scalars: [Unicode.Scalar], _ at: Int) -> Bool {
        var i = at - 1
        while i >= 0, scalars[i].properties.isCaseIgnorable { i -= 1 }
        guard i >= 0, scalars[i].properties.isCased else { return false }
        var j = at + 1
        while j < scalars.count, scalars[j].properties.isCaseIgnorable { j += 1 }
        return j >= scalars.count || !scalars[j].properties.isCased
    }

    /// `ToIntegerOrInfinity`.
    static func integer(_ value: Double) -> Double {
        if value.isNaN { return 0 }
        if value.isInfinite { return value }
        return value < 0 ? -(-value).rounded(.down) : value.rounded(.down)
    }

    /// `substring(start, end)`: clamped to the string, swapped when reversed.
    static func substring(_ text: String, _ start: ScriptValue, _ end: ScriptValue) -> String {
        let units = Array(text.utf16)
        let length = Double(units.count)
        let a = min(max(integer(start.jsNumber), 0), length)
        let b = end.isUndefined ? length : min(max(integer(end.jsNumber), 0), length)
        return string(units[Int(min(a, b))..<Int(max(a, b))])
    }

    /// `slice(start, end)`: negative positions count from the end.
    static func slice(_ text: String, _ start: ScriptValue, _ end: ScriptValue) -> String {
        let units = Array(text.utf16)
        let length = Double(units.count)
        func position(_ value: Double) -> Double {
            let n = integer(value)
            return n < 0 ? max(length + n, 0) : min(n, length)
        }
        let a = position(start.jsNumber)
        let b = end.isUndefined ? length : position(end.jsNumber)
        return a < b ? string(units[Int(a)..<Int(b)]) : ""
    }

    /// The first index of `search` in `units` at or after `from`.
    static func index(of search: [UInt16], in units: [UInt16], from: Int = 0) -> Int? {
        guard search.count <= units.count else { return nil }
        if search.isEmpty { return from <= units.count ? from : nil }
        var i = from
        while i + search.count <= units.count {
            if units[i] == search[0], units[i..<i + search.count].elementsEqual(search) { return i }
            i += 1
        }
        return nil
    }

    /// `split(separator)` with a string separator.
    static func split(_ text: String, by separator: String) -> [String] {
        let units = Array(text.utf16), sep = Array(separator.utf16)
        if sep.isEmpty { return units.map { string([$0]) } }
        var parts: [String] = []
        var start = 0
        while let found = index(of: sep, in: units, from: start) {
            parts.append(string(units[start..<found]))
            start = found + sep.count
        }
        parts.append(string(units[start...]))
        return parts
    }

    /// `replace(search, replacement)` with a string `search`: the first occurrence, with `$`
    /// patterns (there are no groups, so `$1` and `$<name>` stay as written).
    static func replaceFirst(_ text: String, _ search: String, with replacement: String) -> String {
        let units = Array(text.utf16), sep = Array(search.utf16)
        guard let found = index(of: sep, in: units) else { return text }
        let matched = found..<found + sep.count
        let inserted = substitution(Array(replacement.utf16), matched: matched, in: units, captures: [], names: nil)
        return string(Array(units[..<found]) + inserted + Array(units[matched.upperBound...]))
    }

    /// `GetSubstitution`: `$$`, `$&`, `` $` ``, `$'`, `$1`…`$99` and `$<name>` in a replacement.
    static func substitution(_ template: [UInt16], matched: Range<Int>, in text: [UInt16], captures: [Range<Int>?], names: [String: [Int]]?) -> [UInt16] {
        let dollar: UInt16 = 0x24
        guard template.contains(dollar) else { return template }
        var out: [UInt16] = []
        var i = 0
        func capture(_ n: Int) -> [UInt16] { captures[n - 1].map { Array(text[$0]) } ?? [] }
        while i < template.count {
            let c = template[i]
            guard c == dollar, i + 1 < template.count else { out.append(c); i += 1; continue }
            let next = template[i + 1]
            switch next {
            case dollar: out.append(dollar); i += 2
            case 0x26: out += text[matched]; i += 2
            case 0x60: out += text[..<matched.lowerBound]; i += 2
            case 0x27: out += text[min(matched.upperBound, text.count)...]; i += 2
            case 0x30...0x39:
                var digits = 1
                var index = Int(next - 0x30)
                if i + 2 < template.count, (0x30...0x39).contains(template[i + 2]) {
                    let two = index * 10 + Int(template[i + 2] - 0x30)
                    if two <= captures.count { digits = 2; index = two }
                }
                if index >= 1, index <= captures.count { out += capture(index) } else { out += template[i..<i + 1 + digits] }
                i += 1 + digits
            case 0x3C:
                guard let names, let close = template[(i + 2)...].firstIndex(of: 0x3E) else { out += [dollar, 0x3C]; i += 2; continue }
                let name = string(template[(i + 2)..<close])
                if let numbers = names[name], let taken = numbers.first(where: { captures[$0 - 1] != nil }) { out += capture(taken) }
                i = close + 1
            default:
                out.append(dollar)
                i += 1
            }
        }
        return out
    }

    /// `repeat(count)`, which throws a RangeError for negative or infinite counts.
    static func repeated(_ text: String, _ count: Double) throws(NodeFailure) -> String {
        let n = integer(count)
        guard n >= 0, n.isFinite else { throw NodeFailure("String.prototype.repeat argument must be greater than or equal to 0 and not be Infinity") }
        if text.isEmpty || n == 0 { return "" }
        guard Double(text.utf16.count) * n < Double(1 << 30) else { throw NodeFailure("Out of memory") }
        return String(repeating: text, count: Int(n))
    }
}
