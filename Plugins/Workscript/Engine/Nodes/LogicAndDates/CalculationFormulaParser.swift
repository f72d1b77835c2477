/// Reads `(<formula>);\n}` (the tail of the strict-mode function upstream builds) with
/// JavaScript's grammar for the characters a formula may hold, raising JavaScriptCore's
/// SyntaxError messages.
struct FormulaParser {
    enum Kind: Equatable { case number, name, punctuator, regex, end }
    struct Token { let kind: Kind; let text: String; let start: Int; let end: Int; let newlineBefore: Bool; let value: Double }

    let source: [UInt16]
    var tokens: [Token] = []
    var position = 0

    init(_ text: String) throws(ScriptFailure) {
        source = Array(text.utf16)
        try lex()
    }

    func slice(_ a: Int, _ b: Int) -> String { String(utf16CodeUnits: Array(source[a..<b]), count: b - a) }
    static func syntax(_ message: String) -> ScriptFailure { ScriptFailure(message, name: "SyntaxError") }

    static func isDigit(_ c: UInt16) -> Bool { c >= 0x30 && c <= 0x39 }
    static func isLetter(_ c: UInt16) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A || c == 0x24 || c == 0x5F }

    /// Tokens; a `/` where an operand is due starts a regular expression literal.
    mutating func lex() throws(ScriptFailure) {
        var i = 0, newline = false
        func at(_ k: Int) -> UInt16 { k < source.count ? source[k] : 0 }
        while true {
            while i < source.count {
                let c = source[i]
                if c == 0x0A { newline = true; i += 1 }
                else if c == 0x20 || c == 0x09 { i += 1 }
                else if c == 0x2F, at(i + 1) == 0x2F { while i < source.count, source[i] != 0x0A { i += 1 } }
                else if c == 0x2F, at(i + 1) == 0x2A {
                    var k = i + 2
                    while k + 1 < source.count, !(source[k] == 0x2A && source[k + 1] == 0x2F) { k += 1 }
                    guard k + 1 < source.count else { throw FormulaParser.syntax("Multiline comment was not closed properly") }
                    i = k + 2
                } else { break }
            }
            let start = i
            func add(_ kind: Kind, _ value: Double = 0) {
                tokens.append(Token(kind: kind, text: slice(start, i), start: start, end: i, newlineBefore: newline, value: value))
                newline = false
            }
            guard i < source.count else { add(.end); return }
            let c = source[i]
            let operandDue = tokens.last.map { [.punctuator].contains($0.kind) && !["]", ")", "}"].contains($0.text) } ?? true
            if FormulaParser.isDigit(c) || (c == 0x2E && FormulaParser.isDigit(at(i + 1))) {
                while FormulaParser.isDigit(at(i)) { i += 1 }
                let integer = slice(start, i)
                if at(i) == 0x2E { i += 1; while FormulaParser.isDigit(at(i)) { i += 1 } }
                if integer.count > 1, integer.hasPrefix("0") {
                    throw FormulaParser.syntax("Decimal integer literals with a leading zero are forbidden in strict mode")
                }
                if FormulaParser.isLetter(at(i)) { throw FormulaParser.syntax("No identifiers allowed directly after numeric literal") }
                add(.number, Double(slice(start, i)) ?? .nan)
            } else if FormulaParser.isLetter(c) {
                while FormulaParser.isLetter(at(i)) || FormulaParser.isDigit(at(i)) { i += 1 }
                add(.name)
            } else if c == 0x2F && operandDue {
                i += 1
                var inClass = false
                while true {
                    guard i < source.count, source[i] != 0x0A else {
                        throw FormulaParser.syntax("Unterminated regular expression literal '\(slice(start, i))'")
                    }
                    let d = source[i]
                    i += 1
                    if d == 0x5C { i += 1 } else if d == 0x5B { inClass = true } else if d == 0x5D { inClass = false } else if d == 0x2F && !inClass { break }
                }
                while FormulaParser.isLetter(at(i)) { i += 1 }
                add(.regex)
            } else {
                for p in ["**", "++", "--"] + ["(", ")", ".", ",", ";", "}", "+", "-", "*", "/", "%"] {
                    let u = Array(p.utf16)
                    if i + u.count <= source.count, Array(source[i..<i + u.count]) == u { i += u.count; break }
                }
                if i == start { i += 1 }
                add(.punctuator)
            }
        }
    }

    var peek: Token { tokens[position] }
    mutating func advance() -> Token {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }
    func isPunctuator(_ text: String) -> Bool { peek.kind == .punctuator && peek.text == text }

    func describe(_ token: Token) -> String {
        switch token.kind {
        case .number: "number '\(token.text)'"
        case .name: "identifier '\(token.text)'"
        case .regex: "regular expression '\(token.text)'"
        default: "token '\(token.text)'"
        }
    }

    /// `return <expression>;` and what may follow it before the closing `}`.
    mutating func program() throws(ScriptFailure) -> FormulaNode {
        let result = try expression()
        guard isPunctuator(";") || (isPunctuator("}") && peek.newlineBefore) else {
            throw FormulaParser.syntax("Unexpected \(describe(peek)). Expected a ';' following a return statement.")
        }
        if isPunctuator(";") { _ = advance() }
        while !isPunctuator("}") {
            if isPunctuator(";") { _ = advance(); continue }
            _ = try expression()
            guard isPunctuator(";") || isPunctuator("}") || peek.newlineBefore else { throw FormulaParser.syntax("Unexpected \(describe(peek))") }
        }
        return result
    }

    mutating func expression() throws(ScriptFailure) -> FormulaNode {
        var node = try additive()
        while isPunctuator(",") {
            _ = advance()
            node = .comma(node, try additive())
        }
        return node
    }

    mutating func additive() throws(ScriptFailure) -> FormulaNode {
        var node = try multiplicative()
        while isPunctuator("+") || isPunctuator("-") {
            let op = advance().text
            node = .binary(op, node, try multiplicative())
        }
        return node
    }

    mutating func multiplicative() throws(ScriptFailure) -> FormulaNode {
        var node = try exponent()
        while isPunctuator("*") || isPunctuator("/") || isPunctuator("%") {
            let op = advance().text
            node = .binary(op, node, try exponent())
        }
        return node
    }

    mutating func exponent() throws(ScriptFailure) -> FormulaNode {
        if isPunctuator("+") || isPunctuator("-") {
            let op = advance().text
            let operand = try unaryOperand()
            if isPunctuator("**") {
                throw FormulaParser.syntax("Unexpected token '**'. Ambiguous unary expression in the left hand side of the exponentiation expression; parentheses must be used to disambiguate the expression.")
            }
            return .unary(op, operand)
        }
        let base = try update()
        guard isPunctuator("**") else { return base }
        _ = advance()
        return .binary("**", base, try exponent())
    }

    /// The operand of a unary `+`/`-`: another unary expression.
    mutating func unaryOperand() throws(ScriptFailure) -> FormulaNode {
        if isPunctuator("+") || isPunctuator("-") {
            let op = advance().text
            return .unary(op, try unaryOperand())
        }
        return try update()
    }

    mutating func update() throws(ScriptFailure) -> FormulaNode {
        if isPunctuator("++") || isPunctuator("--") {
            throw FormulaParser.syntax("Prefix \(peek.text) operator applied to value that is not a reference.")
        }
        let node = try postfix()
        if (isPunctuator("++") || isPunctuator("--")) && !peek.newlineBefore {
            throw FormulaParser.syntax("Postfix \(peek.text) operator applied to value that is not a reference.")
        }
        return node
    }

    mutating func postfix() throws(ScriptFailure) -> FormulaNode {
        let start = peek.start
        var node = try primary()
        while true {
            if isPunctuator(".") {
                _ = advance()
                guard peek.kind == .name else {
                    throw FormulaParser.syntax("Unexpected \(describe(peek)). Expected a property name after '.'.")
                }
                let name = advance()
                node = .member(node, name.text, text: slice(start, name.end))
            } else if isPunctuator("(") {
                let callee = slice(start, peek.start)
                _ = advance()
                var arguments: [FormulaNode] = []
                while !isPunctuator(")") {
                    arguments.append(try additive())
                    if isPunctuator(",") { _ = advance(); continue }
                    guard isPunctuator(")") else {
                        throw FormulaParser.syntax("Unexpected \(describe(peek)). Expected ')' to end an argument list.")
                    }
                }
                let close = advance()
                node = .call(node, arguments, callee: callee, text: slice(start, close.end))
            } else {
                return node
            }
        }
    }

    mutating func primary() throws(ScriptFailure) -> FormulaNode {
        let token = advance()
        switch token.kind {
        case .number: return .number(token.value)
        case .regex: return .regex
        case .name:
            if token.text == "Math" { return .math }
            throw ScriptFailure("\(token.text) is not defined", name: "ReferenceError")
        case .punctuator where token.text == "(":
            let inner = try expression()
            guard isPunctuator(")") else {
                throw FormulaParser.syntax("Unexpected \(describe(peek)). Expected ')' to end a compound expression.")
            }
            _ = advance()
            return inner
        default:
            throw FormulaParser.syntax("Unexpected \(describe(token))")
        }
    }
}
