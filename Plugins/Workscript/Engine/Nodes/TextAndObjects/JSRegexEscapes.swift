/// Escapes and character classes of the pattern language (see ``RegexParser``).
extension RegexParser {
    // MARK: Escapes

    mutating func atomEscape() throws(JSRegexError) -> RegexNode {
        at += 1
        guard let c = peek else { throw .syntax("\\ at end of pattern") }
        switch c {
        case 0x64, 0x44, 0x73, 0x53, 0x77, 0x57:
            at += 1
            return .set(RegexSet(escapes: [RegexParser.classEscape(c)!]))
        case 0x31...0x39:
            var i = at
            let number = digits(&i) ?? 0
            if number <= totalGroups {
                at = i
                return .backreference(number)
            }
            if unicode { throw .syntax("invalid backreference for Unicode pattern") }
            if c >= 0x38 { at += 1; return .char(c) }
            return .char(legacyOctal())
        case 0x6B where unicode || !prescannedNames.isEmpty:
            at += 1
            guard peek == 0x3C else { throw .syntax("invalid \\k<> named backreference") }
            at += 1
            guard let name = try? groupName(), prescannedNames.contains(name) else { throw .syntax("invalid \\k<> named backreference") }
            return .namedBackreference(name)
        case 0x70 where unicode, 0x50 where unicode:
            at += 1
            return .set(RegexSet(escapes: [try property(negated: c == 0x50)]))
        default:
            return .char(try characterEscape(inClass: false))
        }
    }

    /// Escapes shared by atoms and classes; the cursor is on the character after `\`.
    private mutating func characterEscape(inClass: Bool) throws(JSRegexError) -> UInt32 {
        let c = chars[at]
        at += 1
        switch c {
        case 0x66: return 0x0C
        case 0x6E: return 0x0A
        case 0x72: return 0x0D
        case 0x74: return 0x09
        case 0x76: return 0x0B
        case 0x63:
            if let letter = peek, RegexParser.isASCIILetter(letter) || (inClass && !unicode && (RegexParser.isDigit(letter) || letter == 0x5F)) {
                at += 1
                return letter % 32
            }
            if unicode { throw .syntax("invalid escaped character for Unicode pattern") }
            // `\c` not followed by a control letter is a backslash; the `c` is read next.
            at -= 1
            return 0x5C
        case 0x30 where !(peek.map(RegexParser.isDigit) ?? false):
            return 0
        case 0x30...0x37:
            if unicode { throw .syntax(inClass ? "invalid class escape for Unicode pattern" : "invalid octal escape for Unicode pattern") }
            at -= 1
            return legacyOctal()
        case 0x78:
            if let value = hex(count: 2) { return value }
            if unicode { throw .syntax("invalid escaped character for Unicode pattern") }
            return c
        case 0x75:
            if unicode, peek == 0x7B {
                let start = at
                at += 1
                var value: UInt32 = 0
                var count = 0
                while let d = peek, let digit = RegexParser.hexValue(d) {
                    value = value > 0x10FFFF ? value : value * 16 + digit
                    count += 1
                    at += 1
                }
                guard count > 0, peek == 0x7D else { at = start; throw .syntax("invalid Unicode {} escape") }
                at += 1
                guard value <= 0x10FFFF else { throw .syntax("invalid Unicode code point \\u{} escape") }
                return value
            }
            guard let value = hex(count: 4) else {
                if unicode { throw .syntax("invalid Unicode \\u escape") }
                return c
            }
            if unicode, (0xD800..<0xDC00).contains(value), peek == 0x5C, at + 1 < chars.count, chars[at + 1] == 0x75 {
                let save = at
                at += 2
                if let low = hex(count: 4), (0xDC00..<0xE000).contains(low) {
                    return 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                }
                at = save
            }
            return value
        default:
            if unicode {
                // Only syntax characters (and `-` in a class) may be escaped.
                let allowed: Set<UInt32> = [0x5E, 0x24, 0x5C, 0x2E, 0x2A, 0x2B, 0x3F, 0x28, 0x29, 0x5B, 0x5D, 0x7B, 0x7D, 0x7C, 0x2F]
                if allowed.contains(c) || (inClass && c == 0x2D) { return c }
                throw .syntax("invalid escaped character for Unicode pattern")
            }
            return c
        }
    }

    /// Up to three octal digits, at most 0o377 (Annex B).
    private mutating func legacyOctal() -> UInt32 {
        var value: UInt32 = 0
        let first = chars[at]
        let limit = first <= 0x33 ? 3 : 2
        var count = 0
        while count < limit, let d = peek, (0x30...0x37).contains(d) {
            value = value * 8 + (d - 0x30)
            at += 1
            count += 1
        }
        return value
    }

    private mutating func hex(count: Int) -> UInt32? {
        guard at + count <= chars.count else { return nil }
        var value: UInt32 = 0
        for i in 0..<count {
            guard let digit = RegexParser.hexValue(chars[at + i]) else { return nil }
            value = value * 16 + digit
        }
        at += count
        return value
    }

    private mutating func property(negated: Bool) throws(JSRegexError) -> RegexSet.Escape {
        guard peek == 0x7B else { throw .syntax("invalid property expression") }
        at += 1
        var text = ""
        while let c = peek, c != 0x7D {
            guard let scalar = Unicode.Scalar(c) else { break }
            text.unicodeScalars.append(scalar)
            at += 1
        }
        guard peek == 0x7D, let property = UnicodeProperty(text) else { throw .syntax("invalid property expression") }
        at += 1
        return .property(property, negated: negated)
    }

    // MARK: Classes

    private enum ClassAtom { case char(UInt32), escape(RegexSet.Escape) }

    mutating func characterClass() throws(JSRegexError) -> RegexNode {
        at += 1
        var set = RegexSet()
        if peek == 0x5E { at += 1; set.negated = true }
        while true {
            guard let c = peek else { throw .syntax("missing terminating ] for character class") }
            if c == 0x5D { at += 1; break }
            let first = try classAtom()
            if peek == 0x2D, at + 1 < chars.count, chars[at + 1] != 0x5D {
                at += 1
                let second = try classAtom()
                switch (first, second) {
                case (.char(let a), .char(let b)):
                    guard a <= b else { throw .syntax("range out of order in character class") }
                    set.ranges.append(a...b)
                default:
                    if unicode { throw .syntax("invalid range in character class for Unicode pattern") }
                    for atom in [first, .char(0x2D), second] { add(atom, to: &set) }
                }
            } else {
                add(first, to: &set)
            }
        }
        return .set(set)
    }

    private func add(_ atom: ClassAtom, to set: inout RegexSet) {
        switch atom {
        case .char(let c): set.ranges.append(c...c)
        case .escape(let escape): set.escapes.append(escape)
        }
    }

    private mutating func classAtom() throws(JSRegexError) -> ClassAtom {
        guard let c = peek else { throw .syntax("missing terminating ] for character class") }
        at += 1
        guard c == 0x5C else { return .char(c) }
        guard let e = peek else { throw .syntax("\\ at end of pattern") }
        if let escape = RegexParser.classEscape(e) { at += 1; return .escape(escape) }
        switch e {
        case 0x62: at += 1; return .char(0x08)
        case 0x2D where unicode: at += 1; return .char(0x2D)
        case 0x70 where unicode, 0x50 where unicode:
            at += 1
            return .escape(try property(negated: e == 0x50))
        case 0x31...0x39 where !unicode:
            if e >= 0x38 { at += 1; return .char(e) }
            return .char(legacyOctal())
        case 0x31...0x39:
            throw .syntax("invalid class escape for Unicode pattern")
        default:
            return .char(try characterEscape(inClass: true))
        }
    }
}
