/// A JavaScript regular expression's syntax tree. Upstream builds `new RegExp(pattern, flags)`
/// from workflow text, so the pattern language is ECMAScript's with the web-compatibility
/// (Annex B) rules JavaScriptCore applies outside `u` mode: `{` and `]` as literals, legacy
/// octal escapes, `\c` without a letter, quantified lookaheads.
indirect enum RegexNode: Sendable {
    case empty
    /// One character: a UTF-16 code unit, or a code point in `u`/`v` mode.
    case char(UInt32)
    case dot
    case set(RegexSet)
    case sequence([RegexNode])
    case alternation([RegexNode])
    /// A group; `capture` is its 1-based number when it captures.
    case group(RegexNode, capture: Int?)
    case backreference(Int)
    case namedBackreference(String)
    case lineStart, lineEnd
    case wordBoundary(negated: Bool)
    case look(RegexNode, ahead: Bool, negated: Bool)
    /// `groups` are the capture numbers inside the quantified atom, reset on each iteration.
    case quantified(RegexNode, min: Int, max: Int?, greedy: Bool, groups: ClosedRange<Int>?)
}

/// A character class: ranges plus class escapes, possibly negated.
struct RegexSet: Sendable {
    enum Escape: Sendable {
        case digit(Bool), space(Bool), word(Bool)
        case property(UnicodeProperty, negated: Bool)
    }

    var ranges: [ClosedRange<UInt32>] = []
    var escapes: [Escape] = []
    var negated = false
}

/// A syntax error, worded as JavaScriptCore's `SyntaxError` message.
struct JSRegexError: Error, Sendable, CustomStringConvertible {
    let message: String
    var description: String { message }

    static func syntax(_ reason: String) -> JSRegexError { JSRegexError(message: "Invalid regular expression: " + reason) }
    static let flags = JSRegexError(message: "Invalid flags supplied to RegExp constructor.")
}

/// Parses a pattern (as UTF-16 units, or code points in Unicode mode) into a ``RegexNode``.
struct RegexParser {
    private let chars: [UInt32]
    private let unicode: Bool
    private var at = 0
    private var groupCount = 0
    private let totalGroups: Int
    private let prescannedNames: Set<String>
    /// Capture numbers by name, with the alternative path of each, to refuse a name used twice
    /// on the same path (names may repeat in different alternatives).
    private(set) var names: [String: [Int]] = [:]
    private var namePaths: [String: [[Int]]] = [:]
    private var path: [Int] = []
    private var disjunctions = 0

    init(_ source: String, unicode: Bool) {
        chars = unicode ? source.unicodeScalars.map(\.value) : source.utf16.map(UInt32.init)
        self.unicode = unicode
        let scan = RegexParser.prescan(chars, unicode: unicode)
        totalGroups = scan.count
        prescannedNames = scan.names
    }

    var captureCount: Int { groupCount }

    mutating func parse() throws(JSRegexError) -> RegexNode {
        let node = try disjunction()
        if at < chars.count {
            // Only an unmatched `)` stops the top-level disjunction early.
            throw .syntax("unmatched parentheses")
        }
        return node
    }

    // MARK: Structure

    private mutating func disjunction() throws(JSRegexError) -> RegexNode {
        disjunctions += 1
        let id = disjunctions
        var alternatives: [RegexNode] = []
        var index = 0
        while true {
            path.append(id * 100_000 + index)
            alternatives.append(try alternative())
            path.removeLast()
            guard peek == 0x7C else { break }
            at += 1
            index += 1
        }
        return alternatives.count == 1 ? alternatives[0] : .alternation(alternatives)
    }

    private mutating func alternative() throws(JSRegexError) -> RegexNode {
        var terms: [RegexNode] = []
        while let c = peek, c != 0x7C, c != 0x29 { terms.append(try term()) }
        return terms.isEmpty ? .empty : terms.count == 1 ? terms[0] : .sequence(terms)
    }

    private mutating func term() throws(JSRegexError) -> RegexNode {
        let firstGroup = groupCount + 1
        let c = chars[at]
        var atom: RegexNode
        // Assertions other than lookaheads take no quantifier.
        var quantifiable = true
        var lookbehind = false
        switch c {
        case 0x5E: at += 1; atom = .lineStart; quantifiable = false
        case 0x24: at += 1; atom = .lineEnd; quantifiable = false
        case 0x5C where at + 1 < chars.count && (chars[at + 1] == 0x62 || chars[at + 1] == 0x42):
            atom = .wordBoundary(negated: chars[at + 1] == 0x42)
            at += 2
            quantifiable = false
        case 0x28:
            (atom, quantifiable, lookbehind) = try group()
        case 0x2A, 0x2B, 0x3F: throw .syntax("nothing to repeat")
        case 0x7B:
            if unicode { throw .syntax(quantifierAhead() != nil ? "nothing to repeat" : "incomplete {} quantifier for Unicode pattern") }
            if quantifierAhead() != nil { throw .syntax("nothing to repeat") }
            at += 1
            atom = .char(c)
        case 0x7D, 0x5D:
            if unicode { throw .syntax("unmatched ] or } bracket for Unicode pattern") }
            at += 1
            atom = .char(c)
        case 0x2E: at += 1; atom = .dot
        case 0x5B: atom = try characterClass()
        case 0x5C: atom = try atomEscape()
        default: at += 1; atom = .char(c)
        }
        guard let (min, max, length) = quantifierAhead() else { return atom }
        if lookbehind { throw .syntax("invalid quantifier") }
        if !quantifiable { throw .syntax("nothing to repeat") }
        at += length
        if let max, min > max { throw .syntax("numbers out of order in {} quantifier") }
        var greedy = true
        if peek == 0x3F { at += 1; greedy = false }
        let groups = groupCount >= firstGroup ? firstGroup...groupCount : nil
        return .quantified(atom, min: min, max: max, greedy: greedy, groups: groups)
    }

    /// The quantifier at the cursor (`*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`) and its length.
    private func quantifierAhead() -> (Int, Int?, Int)? {
        guard let c = peek else { return nil }
        switch c {
        case 0x2A: return (0, nil, 1)
        case 0x2B: return (1, nil, 1)
        case 0x3F: return (0, 1, 1)
        case 0x7B:
            var i = at + 1
            guard let min = digits(&i) else { return nil }
            var max: Int? = min
            if i < chars.count, chars[i] == 0x2C {
                i += 1
                max = digits(&i)
            }
            guard i < chars.count, chars[i] == 0x7D else { return nil }
            return (min, max, i + 1 - at)
        default: return nil
        }
    }

    private func digits(_ i: inout Int) -> Int? {
        let start = i
        var value = 0
        while i < chars.count, (0x30...0x39).contains(chars[i]) {
            // Saturates: counts beyond any string length behave alike.
            value = value > Int(Int32.max) ? value : value * 10 + Int(chars[i] - 0x30)
            i += 1
        }
        return i > start ? min(value, Int(Int32.max)) : nil
    }

    private mutating func group() throws(JSRegexError) -> (RegexNode, Bool, Bool) {
        at += 1
        var capture: Int?
        var look: (ahead: Bool, negated: Bool)?
        if peek == 0x3F {
            at += 1
            switch peek {
            case 0x3A: at += 1
            case 0x3D: at += 1; look = (true, false)
            case 0x21: at += 1; look = (true, true)
            case 0x3C:
                at += 1
                if peek == 0x3D { at += 1; look = (false, false) } else if peek == 0x21 { at += 1; look = (false, true) } else {
                    let name = try groupName()
                    groupCount += 1
                    capture = groupCount
                    try declare(name, groupCount)
                }
            default: throw .syntax("unrecognized character after (?")
            }
        } else {
            groupCount += 1
            capture = groupCount
        }
        let body = try disjunction()
        guard peek == 0x29 else { throw .syntax("missing )") }
        at += 1
        if let look {
            return (.look(body, ahead: look.ahead, negated: look.negated), look.ahead && !unicode, !look.ahead)
        }
        return (.group(body, capture: capture), true, false)
    }

    private mutating func declare(_ name: String, _ number: Int) throws(JSRegexError) {
        for other in namePaths[name] ?? [] {
            // Allowed only when some disjunction puts the two in different alternatives.
            var separated = false
            for (a, b) in zip(other, path) where a / 100_000 == b / 100_000 {
                if a != b { separated = true; break }
            }
            if !separated { throw .syntax("duplicate group specifier name") }
        }
        namePaths[name, default: []].append(path)
        names[name, default: []].append(number)
    }

    /// `name>` after `(?<` or `\k<`.
    private mutating func groupName() throws(JSRegexError) -> String {
        var scalars: [Unicode.Scalar] = []
        while true {
            guard var c = peek else { throw .syntax("invalid group specifier name") }
            at += 1
            if c == 0x3E { break }
            if !unicode, (0xD800..<0xDC00).contains(c), let low = peek, (0xDC00..<0xE000).contains(low) {
                at += 1
                c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(c) else { throw .syntax("invalid group specifier name") }
            let ok = scalars.isEmpty
                ? scalar.properties.isIDStart || c == 0x24 || c == 0x5F
                : scalar.properties.isIDContinue || c == 0x24 || c == 0x200C || c == 0x200D
            guard ok else { throw .syntax("invalid group specifier name") }
            scalars.append(scalar)
        }
        guard !scalars.isEmpty else { throw .syntax("invalid group specifier name") }
        var name = ""
        name.unicodeScalars.append(contentsOf: scalars)
        return name
    }

    // MARK: Escapes

    private mutating func atomEscape() throws(JSRegexError) -> RegexNode {
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

    private mutating func characterClass() throws(JSRegexError) -> RegexNode {
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

    // MARK: Characters

    private var peek: UInt32? { at < chars.count ? chars[at] : nil }

    static func classEscape(_ c: UInt32) -> RegexSet.Escape? {
        switch c {
        case 0x64: .digit(false)
        case 0x44: .digit(true)
        case 0x73: .space(false)
        case 0x53: .space(true)
        case 0x77: .word(false)
        case 0x57: .word(true)
        default: nil
        }
    }

    static func isDigit(_ c: UInt32) -> Bool { (0x30...0x39).contains(c) }
    static func isASCIILetter(_ c: UInt32) -> Bool { (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) }
    static func hexValue(_ c: UInt32) -> UInt32? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x41...0x46: c - 0x41 + 10
        case 0x61...0x66: c - 0x61 + 10
        default: nil
        }
    }

    /// How many capturing groups the pattern has and their names, found before parsing
    /// because `\2` and `\k<name>` may refer forward.
    static func prescan(_ chars: [UInt32], unicode: Bool) -> (count: Int, names: Set<String>) {
        var count = 0
        var names: Set<String> = []
        var i = 0
        var inClass = false
        while i < chars.count {
            let c = chars[i]
            if c == 0x5C { i += 2; continue }
            if inClass { if c == 0x5D { inClass = false }; i += 1; continue }
            if c == 0x5B { inClass = true; i += 1; continue }
            if c == 0x28 {
                if i + 1 < chars.count, chars[i + 1] == 0x3F {
                    if i + 2 < chars.count, chars[i + 2] == 0x3C, i + 3 < chars.count, chars[i + 3] != 0x3D, chars[i + 3] != 0x21 {
                        count += 1
                        var j = i + 3
                        var units: [UInt32] = []
                        while j < chars.count, chars[j] != 0x3E { units.append(chars[j]); j += 1 }
                        names.insert(unicode
                            ? String(String.UnicodeScalarView(units.compactMap(Unicode.Scalar.init)))
                            : String(decoding: units.map { UInt16(truncatingIfNeeded: $0) }, as: UTF16.self))
                    }
                } else {
                    count += 1
                }
            }
            i += 1
        }
        return (count, names)
    }
}
