/// Numbers as JavaScript writes and reads them, so that `String(n)`, templates and JSON output
/// match upstream digit for digit.
public enum ScriptNumber {
    /// `Number.prototype.toString()`: the shortest digits that round-trip, in plain notation
    /// from 1e-7 up to 1e21 and in exponent notation (`1e+21`, `1.5e-7`) outside.
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == 0 { return "0" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        let negative = value < 0
        let (digits, n) = shortestDigits(abs(value))
        let k = digits.count
        var out = negative ? "-" : ""
        if k <= n && n <= 21 {
            out += String(digits) + String(repeating: "0", count: n - k)
        } else if 0 < n && n <= 21 {
            out += String(digits[..<n]) + "." + String(digits[n...])
        } else if -6 < n && n <= 0 {
            out += "0." + String(repeating: "0", count: -n) + String(digits)
        } else {
            let e = n - 1
            out += String(digits[0]) + (k > 1 ? "." + String(digits[1...]) : "") + "e" + (e < 0 ? "-" : "+") + String(abs(e))
        }
        return out
    }

    /// The decimal digits of `value` (no leading or trailing zeros) and the position of the
    /// decimal point relative to the first digit: value = 0.d₁d₂… × 10ⁿ.
    static func shortestDigits(_ value: Double) -> ([Character], Int) {
        // Swift's description is the shortest round-trip form too; only its layout differs.
        let text = value.description
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        var digits: [Character] = []
        var point = 0
        var seenPoint = false
        for character in mantissa {
            if character == "." { seenPoint = true; continue }
            digits.append(character)
            if !seenPoint { point += 1 }
        }
        var n = point + exponent
        while let first = digits.first, first == "0", digits.count > 1 { digits.removeFirst(); n -= 1 }
        while let last = digits.last, last == "0", digits.count > 1 { digits.removeLast() }
        return (digits, n)
    }

    /// `Number(string)`: surrounding white space ignored, empty is 0, `0x`/`0o`/`0b` prefixes,
    /// `Infinity`; anything else that is not a decimal literal is `NaN`.
    public static func parse(_ text: String) -> Double {
        let trimmed = text.trimmingJSWhitespace()
        if trimmed.isEmpty { return 0 }
        let lower = trimmed.lowercased()
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where lower.hasPrefix(prefix) {
            guard let value = UInt64(lower.dropFirst(2), radix: radix) else { return .nan }
            return Double(value)
        }
        switch trimmed {
        case "Infinity", "+Infinity": return .infinity
        case "-Infinity": return -.infinity
        default: break
        }
        // Swift accepts forms JavaScript does not (`nan`, `inf`, hex floats): refuse letters
        // other than an exponent.
        guard trimmed.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }) else { return .nan }
        return Double(trimmed) ?? .nan
    }
}

extension String {
    /// Without leading and trailing white space and line terminators, as `String.prototype.trim`.
    func trimmingJSWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0.isWhitespace || $0 == "\u{FEFF}" }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = lastIndex(where: { !isSpace($0) })!
        return String(self[start...end])
    }
}
