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
