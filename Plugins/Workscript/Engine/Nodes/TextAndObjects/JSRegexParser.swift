/// Parses a pattern (as UTF-16 units, or code points in Unicode mode) into a ``RegexNode``.
struct RegexParser {
    let chars: [UInt32]
    let unicode: Bool
    var at = 0
    private var groupCount = 0
    let totalGroups: Int
    let prescannedNames: Set<String>
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

    func digits(_ i: inout Int) -> Int? {
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
    mutating func groupName() throws(JSRegexError) -> String {
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

    // MARK: Characters

    var peek: UInt32? { at < chars.count ? chars[at] : nil }

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
