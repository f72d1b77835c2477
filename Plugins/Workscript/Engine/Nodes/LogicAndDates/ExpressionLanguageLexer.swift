/// Tokens of the workflow expression language (see ``WorkflowExpression``). The lexer knows
/// all of JavaScript's punctuation so that a construct outside the language is named as such
/// instead of being read as something else.
struct ExpressionToken: Equatable {
    enum Kind: Equatable {
        case number(Double)
        case string(String)
        case identifier(String)
        case punctuator(String)
        /// A template literal, regular expression or other text the language does not read.
        case unsupported(String)
        case end
    }

    let kind: Kind
    /// UTF-16 offsets into the source.
    let start: Int, end: Int
    /// A line break comes before the token (JavaScript's automatic semicolons depend on it).
    let newlineBefore: Bool

    func isPunctuator(_ text: String) -> Bool { kind == .punctuator(text) }
}

/// A syntax error, worded as JavaScriptCore words the common ones.
struct ExpressionSyntaxError: Error { let message: String }

struct ExpressionLexer {
    let units: [UInt16]
    var index = 0

    init(_ source: String) { units = Array(source.utf16) }

    func text(_ start: Int, _ end: Int) -> String {
        String(utf16CodeUnits: Array(units[start..<end]), count: end - start)
    }

    static let punctuators: [String] = [
        ">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??=",
        "=>", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", "++", "--", "+=", "-=", "*=", "/=", "%=",
        "&=", "|=", "^=", "**", "<<", ">>",
        "{", "}", "(", ")", "[", "]", ".", ",", ";", ":", "?", "!", "~", "+", "-", "*", "/", "%", "<", ">", "=", "&", "|", "^", "@", "#",
    ].sorted { $0.count > $1.count }

    mutating func tokens() throws(ExpressionSyntaxError) -> [ExpressionToken] {
        var out: [ExpressionToken] = []
        while true {
            let newline = skipSpace()
            let start = index
            guard index < units.count else {
                out.append(ExpressionToken(kind: .end, start: start, end: start, newlineBefore: newline))
                return out
            }
            let kind = try token()
            out.append(ExpressionToken(kind: kind, start: start, end: index, newlineBefore: newline))
        }
    }

    static func isLineBreak(_ c: UInt16) -> Bool { c == 0x0A || c == 0x0D || c == 0x2028 || c == 0x2029 }
    static func isIdentifierStart(_ c: UInt16) -> Bool { (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) || c == 0x24 || c == 0x5F || c > 0x7F }
    static func isIdentifierPart(_ c: UInt16) -> Bool { isIdentifierStart(c) || (0x30...0x39).contains(c) }
    static func isDigit(_ c: UInt16?) -> Bool { c.map { (0x30...0x39).contains($0) } ?? false }

    var current: UInt16? { index < units.count ? units[index] : nil }
    func at(_ offset: Int) -> UInt16? { index + offset < units.count ? units[index + offset] : nil }

    /// Skips white space and comments; whether a line break was among them.
    mutating func skipSpace() -> Bool {
        var newline = false
        while let c = current {
            if ExpressionLexer.isLineBreak(c) { newline = true; index += 1 }
            else if c == 0x20 || c == 0x09 || c == 0x0B || c == 0x0C || c == 0xA0 || c == 0xFEFF || (0x2000...0x200A).contains(c) || c == 0x3000 { index += 1 }
            else if c == 0x2F, at(1) == 0x2F {
                while let d = current, !ExpressionLexer.isLineBreak(d) { index += 1 }
            } else if c == 0x2F, at(1) == 0x2A {
                index += 2
                while index < units.count, !(units[index] == 0x2A && at(1) == 0x2F) {
                    if ExpressionLexer.isLineBreak(units[index]) { newline = true }
                    index += 1
                }
                index = min(index + 2, units.count)
            } else { break }
        }
        return newline
    }

    mutating func token() throws(ExpressionSyntaxError) -> ExpressionToken.Kind {
        let c = units[index]
        if ExpressionLexer.isDigit(c) || (c == 0x2E && ExpressionLexer.isDigit(at(1))) { return try number() }
        if c == 0x22 || c == 0x27 { return try string(quote: c) }
        if c == 0x60 {
            index = units.count
            return .unsupported("template literals (`...`)")
        }
        if ExpressionLexer.isIdentifierStart(c) {
            let start = index
            while let d = current, ExpressionLexer.isIdentifierPart(d) { index += 1 }
            return .identifier(text(start, index))
        }
        for p in ExpressionLexer.punctuators {
            let p16 = Array(p.utf16)
            if index + p16.count <= units.count, Array(units[index..<index + p16.count]) == p16 {
                index += p16.count
                return .punctuator(p)
            }
        }
        index += 1
        throw ExpressionSyntaxError(message: "Invalid character '\(text(index - 1, index))'")
    }

    mutating func number() throws(ExpressionSyntaxError) -> ExpressionToken.Kind {
        let start = index
        if units[index] == 0x30, let x = at(1), x == 0x78 || x == 0x58 {
            index += 2
            let digitsStart = index
            while let d = current, (0x30...0x39).contains(d) || (0x61...0x66).contains(d | 0x20) { index += 1 }
            guard index > digitsStart, let value = UInt64(text(digitsStart, index), radix: 16) else {
                throw ExpressionSyntaxError(message: "No hexadecimal digits after '0x'")
            }
            return .number(Double(value))
        }
        while ExpressionLexer.isDigit(current) { index += 1 }
        let integerPart = text(start, index)
        // Legacy octal (`010` is 8) in the sloppy-mode function upstream builds.
        if integerPart.count > 1, integerPart.hasPrefix("0"), integerPart.allSatisfy({ $0 < "8" }), current != 0x2E {
            return .number(Double(UInt64(integerPart, radix: 8) ?? 0))
        }
        if current == 0x2E {
            index += 1
            while ExpressionLexer.isDigit(current) { index += 1 }
        }
        if let e = current, e == 0x65 || e == 0x45 {
            var probe = index + 1
            if probe < units.count, units[probe] == 0x2B || units[probe] == 0x2D { probe += 1 }
            if probe < units.count, ExpressionLexer.isDigit(units[probe]) {
                index = probe
                while ExpressionLexer.isDigit(current) { index += 1 }
            }
        }
        if let d = current, ExpressionLexer.isIdentifierStart(d) {
            throw ExpressionSyntaxError(message: "No identifiers allowed directly after numeric literal")
        }
        return .number(Double(text(start, index)) ?? .nan)
    }

    mutating func string(quote: UInt16) throws(ExpressionSyntaxError) -> ExpressionToken.Kind {
        index += 1
        var out: [UInt16] = []
        while true {
            guard let c = current, !ExpressionLexer.isLineBreak(c) || c == 0x2028 || c == 0x2029 else {
                throw ExpressionSyntaxError(message: "Unterminated string literal")
            }
            index += 1
            if c == quote { break }
            guard c == 0x5C else { out.append(c); continue }
            guard let e = current else { throw ExpressionSyntaxError(message: "Unterminated string literal") }
            index += 1
            switch e {
            case 0x6E: out.append(0x0A)
            case 0x74: out.append(0x09)
            case 0x72: out.append(0x0D)
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x76: out.append(0x0B)
            case 0x30 where !ExpressionLexer.isDigit(current): out.append(0)
            case 0x0D: if current == 0x0A { index += 1 }
            case 0x0A, 0x2028, 0x2029: break
            case 0x78: out.append(try hex(2))
            case 0x75:
                if current == 0x7B {
                    index += 1
                    let start = index
                    while let d = current, d != 0x7D { index += 1 }
                    guard current == 0x7D, let scalar = UInt32(text(start, index), radix: 16), let u = Unicode.Scalar(scalar) else {
                        throw ExpressionSyntaxError(message: "\\u can only be followed by a Unicode character sequence")
                    }
                    index += 1
                    out.append(contentsOf: Array(String(Character(u)).utf16))
                } else {
                    out.append(try hex(4))
                }
            default: out.append(e)
            }
        }
        return .string(String(utf16CodeUnits: out, count: out.count))
    }

    mutating func hex(_ count: Int) throws(ExpressionSyntaxError) -> UInt16 {
        guard index + count <= units.count, let value = UInt16(text(index, index + count), radix: 16) else {
            throw ExpressionSyntaxError(message: count == 2 ? "\\x can only be followed by a hex character sequence" : "\\u can only be followed by a Unicode character sequence")
        }
        index += count
        return value
    }
}
