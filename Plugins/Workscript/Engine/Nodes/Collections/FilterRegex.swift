import Foundation

/// `new RegExp(pattern).test(text)` for `filter`'s `regex` operation, on ICU's engine: the
/// pattern is rewritten where ICU reads JavaScript syntax differently: `$` is only the end of
/// the text, `\d`, `\w` and `\b` are ASCII, `\s` and `.` use JavaScript's white space and line
/// ends, a `{` or `]` that cannot be syntax is literal, `[^]` is any character, unknown
/// escapes are the character itself, and a group referred to before it opens matches nothing.
/// A pattern JavaScript rejects gives `nil`, which upstream treats as no match.
enum FilterRegex {
    static func test(_ pattern: String, _ text: String) -> Bool? {
        guard let translated = translate(pattern), let expression = try? NSRegularExpression(pattern: translated) else { return nil }
        let whole = NSRange(location: 0, length: (text as NSString).length)
        return expression.firstMatch(in: text, range: whole) != nil
    }

    /// The pattern in ICU's syntax; nil where JavaScript would reject it (inline flags).
    static func translate(_ pattern: String) -> String? {
        let units = Array(pattern.unicodeScalars)
        let hasNamedGroups = units.indices.contains { at in
            at + 3 < units.count && units[at] == "(" && units[at + 1] == "?" && units[at + 2] == "<" && units[at + 3] != "=" && units[at + 3] != "!"
        }
        let groupStarts = capturingGroups(units)
        var out = ""
        var inClass = false, classStart = false, afterClassEscape = false
        var i = 0
        func next(_ offset: Int) -> Unicode.Scalar? { i + offset < units.count ? units[i + offset] : nil }
        func hex(_ count: Int) -> Bool {
            (2...count + 1).allSatisfy { next($0).map { $0.properties.isASCIIHexDigit } ?? false }
        }
        while i < units.count {
            let c = units[i]
            let wasClassStart = classStart
            classStart = false
            if c == "\\", let e = next(1) {
                var consumed = 2
                var classEscape = false
                switch e {
                case "d": out += inClass ? "0-9" : "[0-9]"; classEscape = true
                case "D": out += "[^0-9]"; classEscape = true
                case "w": out += inClass ? "a-zA-Z0-9_" : "[a-zA-Z0-9_]"; classEscape = true
                case "W": out += "[^a-zA-Z0-9_]"; classEscape = true
                case "s": out += inClass ? space : "[" + space + "]"; classEscape = true
                case "S": out += "[^" + space + "]"; classEscape = true
                case "b": out += inClass ? "\\x{08}" : "(?:(?<=[a-zA-Z0-9_])(?![a-zA-Z0-9_])|(?<![a-zA-Z0-9_])(?=[a-zA-Z0-9_]))"
                case "B": out += inClass ? "B" : "(?:(?<=[a-zA-Z0-9_])(?=[a-zA-Z0-9_])|(?<![a-zA-Z0-9_])(?![a-zA-Z0-9_]))"
                case "t", "n", "f", "r": out += "\\" + String(e)
                case "v": out += "\\x{0B}"
                case "0" where !(next(2).map { ("0"..."9").contains($0) } ?? false): out += "\\x{00}"
                case "1"..."9":
                    var digits = ""
                    while let d = next(consumed - 1), ("0"..."9").contains(d) { digits.unicodeScalars.append(d); consumed += 1 }
                    consumed -= 1
                    let number = Int(digits) ?? 0
                    if !inClass, number <= groupStarts.count {
                        // A group referred to before it opens has matched nothing: JavaScript
                        // matches the empty text there, ICU fails.
                        out += groupStarts[number - 1] > i ? "(?:)" : "\\" + digits + "(?:)"
                    } else {
                        let (text, used) = legacyEscape(Array(digits.unicodeScalars))
                        out += text
                        consumed = 1 + used
                    }
                case "c" where next(2).map { $0.isASCII && $0.properties.isAlphabetic } ?? false:
                    out += "\\c" + String(next(2)!); consumed = 3
                case "c": out += "\\\\c"
                case "x" where hex(2): out += "\\x"
                case "u" where hex(4): out += "\\u"
                case "k" where hasNamedGroups: out += "\\k"
                default:
                    // Any other escaped letter is the letter itself in JavaScript (ICU gives
                    // several of them meanings: \A, \z, \p{...}, \h).
                    if e.isASCII && e.properties.isAlphabetic { out += String(e) } else { out += "\\" + String(e) }
                }
                afterClassEscape = classEscape
                i += consumed
                continue
            }
            if inClass {
                switch c {
                case "]": inClass = false; out += "]"
                case "[": out += "\\["
                case "&": out += "\\&"
                case "-" where wasClassStart || next(1) == "]" || afterClassEscape || next(1) == "\\" && "dDwWsS".unicodeScalars.contains(next(2) ?? " "):
                    out += "\\-"
                default: out += String(c)
                }
                afterClassEscape = false
                i += 1
                continue
            }
            afterClassEscape = false
            switch c {
            case "[":
                if next(1) == "^", next(2) == "]" { out += "[\\s\\S]"; i += 3; continue }
                if next(1) == "]" { out += "(?!)"; i += 2; continue }
                inClass = true
                classStart = true
                out += "["
                if next(1) == "^" { out += "^"; i += 1 }
            case "(" where next(1) == "?":
                let third = next(2), fourth = next(3)
                let valid = third == ":" || third == "=" || third == "!" || (third == "<" && fourth != nil)
                guard valid else { return nil }
                out += "("
            case "$": out += "\\z"
            case ".": out += "[^\\n\\r\\u2028\\u2029]"
            case "]", "}": out += "\\" + String(c)
            case "{":
                guard let close = quantifierEnd(units, from: i) else { out += "\\{"; break }
                out += String(String.UnicodeScalarView(units[i...close]))
                i = close
            default: out += String(c)
            }
            i += 1
        }
        return out
    }

    /// JavaScript's white space (`\\s`), as set members.
    static let space = "\\t\\n\\x{0B}\\f\\r \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF"

    /// Annex B's reading of `\\N` that is no group number: up to three octal digits as a
    /// character code, `8` and `9` as themselves. Returns the ICU text and the digits used.
    static func legacyEscape(_ digits: [Unicode.Scalar]) -> (String, Int) {
        guard let first = digits.first, first != "8", first != "9" else { return (String(digits.first ?? "8"), 1) }
        var value = 0, used = 0
        while used < digits.count, used < 3, let d = Int(String(digits[used])), d < 8, value * 8 + d <= 0o377 {
            value = value * 8 + d
            used += 1
        }
        return ("\\x{" + String(value, radix: 16) + "}", used)
    }

    /// The positions of the capturing groups' `(`, in order.
    static func capturingGroups(_ units: [Unicode.Scalar]) -> [Int] {
        var starts: [Int] = [], inClass = false, i = 0
        while i < units.count {
            let c = units[i]
            if c == "\\" { i += 2; continue }
            if inClass { if c == "]" { inClass = false } } else if c == "[" {
                inClass = true
            } else if c == "(" {
                let named = i + 3 < units.count && units[i + 1] == "?" && units[i + 2] == "<" && units[i + 3] != "=" && units[i + 3] != "!"
                if i + 1 >= units.count || units[i + 1] != "?" || named { starts.append(i) }
            }
            i += 1
        }
        return starts
    }

    /// Where the `}` of a `{n}`, `{n,}` or `{n,m}` starting at `start` is, if it is one.
    static func quantifierEnd(_ units: [Unicode.Scalar], from start: Int) -> Int? {
        var i = start + 1
        var digits = 0
        while i < units.count, ("0"..."9").contains(units[i]) { i += 1; digits += 1 }
        guard digits > 0, i < units.count else { return nil }
        if units[i] == "}" { return i }
        guard units[i] == "," else { return nil }
        i += 1
        while i < units.count, ("0"..."9").contains(units[i]) { i += 1 }
        return i < units.count && units[i] == "}" ? i : nil
    }
}
