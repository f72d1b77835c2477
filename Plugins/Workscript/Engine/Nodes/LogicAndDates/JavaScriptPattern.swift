import Foundation

/// `new RegExp(source).test(text)` with no flags, through Foundation's ICU regular
/// expressions: the source is rewritten where JavaScript and ICU read the same text
/// differently (`\d`, `\w`, `\s`, `\b` and `.` are ASCII or JavaScript's sets, `$` is the end
/// of the text only, `[^]` is any unit, a `{` that starts no quantifier is literal, ICU-only
/// escapes and set operators are literal) and refused where JavaScript throws.
struct JavaScriptPattern {
    let expression: NSRegularExpression

    /// nil when JavaScript's `new RegExp(source)` throws a SyntaxError.
    init?(_ source: String) {
        guard let translated = JavaScriptPattern.translate(Array(source.utf16)),
              let expression = try? NSRegularExpression(pattern: translated) else { return nil }
        self.expression = expression
    }

    func test(_ text: String) -> Bool {
        expression.firstMatch(in: text, range: NSRange(location: 0, length: (text as NSString).length)) != nil
    }

    static let word = "A-Za-z0-9_"
    static let space = "\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}"

    static func translate(_ s: [UInt16]) -> String? {
        var out = ""
        var i = 0
        var inClass = false
        func char(_ c: UInt16) -> String { String(utf16CodeUnits: [c], count: 1) }
        func literal(_ c: UInt16) -> String { String(format: "\\x{%X}", c) }
        func isDigit(_ c: UInt16) -> Bool { c >= 0x30 && c <= 0x39 }
        func hexValue(_ count: Int) -> UInt16? {
            guard i + count < s.count else { return nil }
            let text = String(utf16CodeUnits: Array(s[(i + 1)...(i + count)]), count: count)
            return UInt16(text, radix: 16)
        }
        /// `{n}`, `{n,}` or `{n,m}` starting at `i`.
        func quantifierEnd() -> Int? {
            var j = i + 1, digits = 0
            while j < s.count, isDigit(s[j]) { j += 1; digits += 1 }
            guard digits > 0, j < s.count else { return nil }
            if s[j] == 0x7D { return j }
            guard s[j] == 0x2C else { return nil }
            j += 1
            while j < s.count, isDigit(s[j]) { j += 1 }
            return j < s.count && s[j] == 0x7D ? j : nil
        }
        var lastWasQuantifier = false
        while i < s.count {
            let c = s[i]
            var quantifier = false
            if c == 0x5C {
                i += 1
                guard i < s.count else { return nil }
                let e = s[i]
                switch e {
                case 0x64: out += inClass ? "0-9" : "[0-9]"
                case 0x44: out += inClass ? "[^0-9]" : "[^0-9]"
                case 0x77: out += inClass ? word : "[\(word)]"
                case 0x57: out += "[^\(word)]"
                case 0x73: out += inClass ? space : "[\(space)]"
                case 0x53: out += "[^\(space)]"
                case 0x62 where !inClass: out += "(?:(?<=[\(word)])(?![\(word)])|(?<![\(word)])(?=[\(word)]))"
                case 0x42 where !inClass: out += "(?:(?<=[\(word)])(?=[\(word)])|(?<![\(word)])(?![\(word)]))"
                case 0x62: out += "\\x{08}"
                case 0x74: out += "\\t"
                case 0x6E: out += "\\n"
                case 0x72: out += "\\r"
                case 0x66: out += "\\f"
                case 0x76: out += "\\x{0B}"
                case 0x30 where !(i + 1 < s.count && isDigit(s[i + 1])): out += "\\x{00}"
                case 0x63:
                    if i + 1 < s.count, let letter = Optional(s[i + 1] | 0x20), letter >= 0x61, letter <= 0x7A {
                        i += 1
                        out += literal(s[i] % 32)
                    } else {
                        out += "\\\\c"
                    }
                case 0x78:
                    if let value = hexValue(2) { out += literal(value); i += 2 } else { out += "x" }
                case 0x75:
                    if let value = hexValue(4) { out += literal(value); i += 4 } else { out += "u" }
                case 0x31...0x39 where !inClass: out += "\\" + char(e)
                case 0x6B where !inClass:
                    out += "\\k"
                default:
                    // Identity escape: the character itself.
                    out += literal(e)
                }
                i += 1
                lastWasQuantifier = false
                continue
            }
            if inClass {
                if c == 0x5D {
                    out += "]"
                    inClass = false
                } else if c == 0x2D && !(i + 1 < s.count && s[i + 1] == 0x2D) {
                    out += "-"
                } else if c < 0x80 && !(c >= 0x30 && c <= 0x39) && !((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A) {
                    // ICU gives `[`, `&&`, `--`, `{...}` and others a meaning inside a set.
                    out += literal(c)
                } else {
                    out += char(c)
                }
                i += 1
                continue
            }
            switch c {
            case 0x5B:
                if i + 2 < s.count, s[i + 1] == 0x5E, s[i + 2] == 0x5D { out += "[\\x{0}-\\x{10FFFF}]"; i += 3; continue }
                if i + 1 < s.count, s[i + 1] == 0x5D { out += "(?!)"; i += 2; continue }
                inClass = true
                out += "["
                if i + 1 < s.count, s[i + 1] == 0x5E { out += "^"; i += 1 }
            case 0x24: out += "(?![\\s\\S])"
            case 0x2E: out += "[^\\n\\r\\x{2028}\\x{2029}]"
            case 0x28:
                if i + 1 < s.count, s[i + 1] == 0x3F {
                    // Only (?: (?= (?! (?<= (?<! (?<name> are groups in JavaScript.
                    let next = i + 2 < s.count ? s[i + 2] : 0
                    let valid = next == 0x3A || next == 0x3D || next == 0x21 || next == 0x3C
                    if !valid { return nil }
                }
                out += "("
            case 0x7B:
                if let end = quantifierEnd() {
                    if lastWasQuantifier { return nil }
                    out += String(utf16CodeUnits: Array(s[i...end]), count: end - i + 1)
                    i = end
                    quantifier = true
                } else {
                    out += "\\{"
                }
            case 0x7D: out += "\\}"
            case 0x5D: out += "\\]"
            case 0x2A, 0x2B:
                if lastWasQuantifier { return nil }
                out += char(c)
                quantifier = true
            case 0x3F:
                // A `?` after a quantifier makes it lazy; JavaScript has no possessive forms.
                out += "?"
                quantifier = !lastWasQuantifier
                if lastWasQuantifier { lastWasQuantifier = false; i += 1; continue }
            case 0x23, 0x20: out += char(c)
            default: out += char(c)
            }
            lastWasQuantifier = quantifier
            i += 1
        }
        // ICU refuses an empty pattern, which JavaScript reads as `(?:)`.
        return inClass ? nil : out.isEmpty ? "(?:)" : out
    }
}
