/// `new RegExp(pattern, flags)` as JavaScriptCore builds and runs it, over UTF-16 text, so
/// the nodes that take a workflow's pattern match, capture and fail exactly as upstream:
/// ASCII `\d`/`\w`/`\b`, JavaScript's `\s`, `$` only at the very end without `m`, lookbehind,
/// backreferences to unset groups matching empty, captures reset per iteration, and
/// JavaScriptCore's error messages.
struct JSRegex: Sendable {
    struct Match: Sendable {
        /// The whole match, in UTF-16 offsets.
        let range: Range<Int>
        /// Groups 1…n (index 0 is the whole match); nil when a group did not take part.
        let groups: [Range<Int>?]
    }

    let source: String
    let global: Bool
    let ignoreCase: Bool
    let multiline: Bool
    let dotAll: Bool
    let unicode: Bool
    let sticky: Bool
    let groupCount: Int
    /// Capture numbers by group name (several when a name repeats across alternatives).
    let groupNames: [String: [Int]]
    private let program: RegexProgram

    /// Steps one search may take before it is abandoned.
    static let stepBudget = 10_000_000

    init(_ pattern: String, flags: String = "") throws(JSRegexError) {
        var seen: Set<Character> = []
        for flag in flags {
            guard "dgimsuvy".contains(flag), seen.insert(flag).inserted else { throw .flags }
        }
        if seen.contains("u") && seen.contains("v") { throw .flags }
        source = pattern
        global = seen.contains("g")
        ignoreCase = seen.contains("i")
        multiline = seen.contains("m")
        dotAll = seen.contains("s")
        unicode = seen.contains("u") || seen.contains("v")
        sticky = seen.contains("y")
        var parser = RegexParser(pattern, unicode: unicode)
        let node = try parser.parse()
        groupCount = parser.captureCount
        groupNames = parser.names
        program = RegexProgram(node, names: parser.names, ignoreCase: ignoreCase, unicode: unicode)
    }

    /// The first match at or after `lastIndex` (only at it when sticky), as `exec` finds it.
    func firstMatch(in text: [UInt16], from lastIndex: Int = 0) throws(JSRegexBudgetError) -> Match? {
        guard lastIndex <= text.count else { return nil }
        var machine = RegexMachine(program, text: text, groups: groupCount, ignoreCase: ignoreCase, multiline: multiline,
                                   dotAll: dotAll, unicode: unicode, budget: max(JSRegex.stepBudget, text.count * 1000))
        var start = lastIndex
        while start <= text.count {
            if !sticky, !machine.canStart(at: start) { start = advance(text, start); continue }
            if let end = try machine.attempt(at: start) {
                var groups: [Range<Int>?] = [start..<end]
                for n in stride(from: 1, through: groupCount, by: 1) {
                    let a = machine.slots[2 * n], b = machine.slots[2 * n + 1]
                    groups.append(a >= 0 && b >= a ? a..<b : nil)
                }
                return Match(range: start..<end, groups: groups)
            }
            if sticky { return nil }
            start = advance(text, start)
        }
        return nil
    }

    /// `regex.test(text)` for a regex without `g` or `y` (whose `lastIndex` would carry over
    /// between calls); a search past the step budget counts as no match.
    func test(_ text: String) -> Bool {
        (try? firstMatch(in: Array(text.utf16))) != nil
    }

    /// Every match, advancing past empty ones, as `replace`/`match` with `g` collect them.
    func allMatches(in text: [UInt16]) throws(JSRegexBudgetError) -> [Match] {
        var matches: [Match] = []
        var lastIndex = 0
        while let match = try firstMatch(in: text, from: lastIndex) {
            matches.append(match)
            lastIndex = match.range.isEmpty ? advance(text, match.range.upperBound) : match.range.upperBound
        }
        return matches
    }

    /// `AdvanceStringIndex`: one code unit, or a whole surrogate pair in Unicode mode.
    func advance(_ text: [UInt16], _ index: Int) -> Int {
        if unicode, index + 1 < text.count, (0xD800..<0xDC00).contains(text[index]), (0xDC00..<0xE000).contains(text[index + 1]) { return index + 2 }
        return index + 1
    }

    /// `text.replace(regex, replacement)` with `$` patterns in `replacement`.
    func replace(_ text: String, with replacement: String) throws(JSRegexBudgetError) -> String {
        let template = Array(replacement.utf16)
        return try replace(text) { match, units in
            JSText.substitution(template, matched: match.range, in: units, captures: Array(match.groups.dropFirst()),
                                names: groupNames.isEmpty ? nil : groupNames)
        }
    }

    /// `text.replace(regex, function)`: each match replaced by what `replacement` returns.
    func replace(_ text: String, _ replacement: (Match, [UInt16]) -> [UInt16]) throws(JSRegexBudgetError) -> String {
        let units = Array(text.utf16)
        let matches = global ? try allMatches(in: units) : (try firstMatch(in: units)).map { [$0] } ?? []
        guard !matches.isEmpty else { return text }
        var out: [UInt16] = []
        out.reserveCapacity(units.count)
        var next = 0
        for match in matches {
            out += units[next..<match.range.lowerBound]
            out += replacement(match, units)
            next = match.range.upperBound
        }
        out += units[next...]
        return String(decoding: out, as: UTF16.self)
    }

    /// `string.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')`: the escaping upstream applies to
    /// literal text before building a pattern from it.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if ".*+?^${}()|[]\\".unicodeScalars.contains(scalar) { out.unicodeScalars.append("\\") }
            out.unicodeScalars.append(scalar)
        }
        return out
    }
}
