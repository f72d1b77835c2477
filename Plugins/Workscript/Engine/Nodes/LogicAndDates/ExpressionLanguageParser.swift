/// The syntax tree of a workflow expression.
indirect enum ExpressionNode: Sendable {
    case literal(ScriptValue)
    /// An identifier: the variable, `$` (the state) or an undeclared name (a ReferenceError
    /// when evaluated, `"undefined"` under `typeof`).
    case name(String)
    /// `object.key` or `object[key]`; `text` is the source of the whole access.
    case member(ExpressionNode, key: MemberKey, text: String)
    /// `receiver.method(arguments)`, one of the string and array methods.
    case call(ExpressionNode, method: String, arguments: [ExpressionNode], callee: String, text: String)
    case unary(String, ExpressionNode)
    case typeOf(ExpressionNode)
    case binary(String, ExpressionNode, ExpressionNode)
    case conditional(ExpressionNode, ExpressionNode, ExpressionNode)

    enum MemberKey: Sendable {
        case fixed(String)
        case computed(ExpressionNode)
    }
}

enum ExpressionStatement: Sendable {
    case expression(ExpressionNode)
    case `return`(ExpressionNode?)
}

/// Why a source was refused: a syntax error (reported at run time, as JavaScript reports it)
/// or a construct outside the language (refused before running).
enum ExpressionProblem: Error {
    case syntax(String)
    case unsupported(String)

    var message: String {
        switch self {
        case .syntax(let message), .unsupported(let message): message
        }
    }
}

struct ExpressionParser {
    let lexer: ExpressionLexer
    let tokens: [ExpressionToken]
    var position = 0

    static let methods: Set<String> = ["includes", "startsWith", "endsWith", "toLowerCase", "toUpperCase", "trim"]

    /// Names JavaScript defines globally: the language does not reach them.
    static let globals: Set<String> = [
        "Math", "JSON", "Date", "Object", "Array", "String", "Number", "Boolean", "RegExp", "Error", "Promise", "Symbol",
        "Map", "Set", "WeakMap", "WeakSet", "Reflect", "Proxy", "Intl", "BigInt", "ArrayBuffer", "Buffer", "parseInt",
        "parseFloat", "isNaN", "isFinite", "encodeURIComponent", "decodeURIComponent", "encodeURI", "decodeURI", "escape",
        "unescape", "eval", "Function", "globalThis", "global", "window", "self", "console", "process", "require", "module",
        "exports", "Bun", "fetch", "setTimeout", "setInterval", "clearTimeout", "clearInterval", "queueMicrotask",
        "structuredClone", "atob", "btoa", "crypto", "performance", "navigator", "arguments",
    ]

    static let reservedWords: Set<String> = [
        "new", "function", "this", "var", "let", "const", "if", "else", "for", "while", "do", "switch", "case", "break",
        "continue", "throw", "try", "catch", "finally", "class", "delete", "void", "in", "instanceof", "yield", "await",
        "async", "import", "export", "with", "debugger", "super", "default", "extends", "enum", "of",
    ]

    init(_ source: String) throws(ExpressionProblem) {
        var lexer = ExpressionLexer(source)
        do {
            tokens = try lexer.tokens()
        } catch {
            throw .syntax(error.message)
        }
        self.lexer = lexer
    }

    var peek: ExpressionToken { tokens[position] }
    mutating func advance() -> ExpressionToken {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    func source(_ start: Int, _ end: Int) -> String { lexer.text(start, end) }

    /// A function body: statements up to the end, `return` ending it early.
    mutating func body() throws(ExpressionProblem) -> [ExpressionStatement] {
        var statements: [ExpressionStatement] = []
        while peek.kind != .end {
            if peek.isPunctuator(";") { _ = advance(); continue }
            if peek.kind == .identifier("return") {
                let keyword = advance()
                // A line break after `return` ends the statement (automatic semicolon).
                if peek.isPunctuator(";") || peek.kind == .end || peek.newlineBefore {
                    _ = keyword
                    statements.append(.return(nil))
                } else {
                    statements.append(.return(try expression()))
                }
            } else {
                statements.append(.expression(try expression()))
            }
            try statementEnd()
        }
        return statements
    }

    mutating func statementEnd() throws(ExpressionProblem) {
        if peek.isPunctuator(";") { _ = advance(); return }
        if peek.kind == .end || peek.newlineBefore { return }
        throw unexpected(peek)
    }

    mutating func expression() throws(ExpressionProblem) -> ExpressionNode {
        let node = try conditional()
        if peek.isPunctuator(",") { throw .unsupported("the comma operator (`,`) is not part of the expression language") }
        if case .punctuator(let p) = peek.kind, ["=", "+=", "-=", "*=", "/=", "%=", "**=", "<<=", ">>=", ">>>=", "&=", "|=", "^=", "&&=", "||=", "??="].contains(p) {
            throw .unsupported("assignment (`\(p)`) is not part of the expression language")
        }
        return node
    }

    mutating func conditional() throws(ExpressionProblem) -> ExpressionNode {
        let test = try binary(0)
        guard peek.isPunctuator("?") else { return test }
        _ = advance()
        let yes = try conditional()
        guard peek.isPunctuator(":") else { throw unexpected(peek) }
        _ = advance()
        return .conditional(test, yes, try conditional())
    }

    static let levels: [[String]] = [["||"], ["&&"], ["==", "!=", "===", "!=="], ["<", "<=", ">", ">="], ["+", "-"], ["*", "/", "%"]]
    static let outside: [String: String] = [
        "??": "the nullish operator (`??`)", "|": "bitwise operators (`|`)", "&": "bitwise operators (`&`)", "^": "bitwise operators (`^`)",
        "<<": "shift operators (`<<`)", ">>": "shift operators (`>>`)", ">>>": "shift operators (`>>>`)", "**": "exponentiation (`**`)",
        "=>": "arrow functions (`=>`)",
    ]

    mutating func binary(_ level: Int) throws(ExpressionProblem) -> ExpressionNode {
        guard level < ExpressionParser.levels.count else { return try unary() }
        var left = try binary(level + 1)
        while true {
            if case .punctuator(let p) = peek.kind, let name = ExpressionParser.outside[p] {
                throw .unsupported("\(name) is not part of the expression language")
            }
            if case .identifier(let word) = peek.kind, word == "in" || word == "instanceof" {
                throw .unsupported("the `\(word)` operator is not part of the expression language")
            }
            guard case .punctuator(let p) = peek.kind, ExpressionParser.levels[level].contains(p) else { return left }
            _ = advance()
            left = .binary(p, left, try binary(level + 1))
        }
    }

    mutating func unary() throws(ExpressionProblem) -> ExpressionNode {
        switch peek.kind {
        case .punctuator("!"), .punctuator("-"), .punctuator("+"):
            guard case .punctuator(let p) = advance().kind else { break }
            return .unary(p, try unary())
        case .punctuator("++"), .punctuator("--"):
            throw .unsupported("increment and decrement (`++`, `--`) are not part of the expression language")
        case .punctuator("~"):
            throw .unsupported("bitwise operators (`~`) are not part of the expression language")
        case .identifier("typeof"):
            _ = advance()
            return .typeOf(try unary())
        case .identifier(let word) where word == "void" || word == "delete" || word == "await":
            throw .unsupported("the `\(word)` operator is not part of the expression language")
        default: break
        }
        return try postfix()
    }

    mutating func postfix() throws(ExpressionProblem) -> ExpressionNode {
        let start = peek.start
        var node = try primary()
        while true {
            if peek.isPunctuator(".") {
                _ = advance()
                guard case .identifier(let name) = peek.kind else {
                    throw .syntax("Unexpected token '\(tokenText(peek))'. Expected a property name after '.'.")
                }
                let nameToken = advance()
                if peek.isPunctuator("(") {
                    let callee = source(start, nameToken.end)
                    guard ExpressionParser.methods.contains(name) else {
                        throw .unsupported("calling `.\(name)()` is not part of the expression language (only includes, startsWith, endsWith, toLowerCase, toUpperCase and trim)")
                    }
                    _ = advance()
                    var arguments: [ExpressionNode] = []
                    while !peek.isPunctuator(")") {
                        arguments.append(try conditional())
                        if peek.isPunctuator(",") { _ = advance(); continue }
                        guard peek.isPunctuator(")") else {
                            throw .syntax("Unexpected \(describe(peek)). Expected ')' to end an argument list.")
                        }
                    }
                    let close = advance()
                    node = .call(node, method: name, arguments: arguments, callee: callee, text: source(start, close.end))
                } else {
                    node = .member(node, key: .fixed(name), text: source(start, nameToken.end))
                }
            } else if peek.isPunctuator("[") {
                _ = advance()
                let key = try expression()
                guard peek.isPunctuator("]") else { throw .syntax("Unexpected \(describe(peek)). Expected ']' to end a subscript expression.") }
                let close = advance()
                node = .member(node, key: .computed(key), text: source(start, close.end))
            } else if peek.isPunctuator("(") {
                throw .unsupported("calling `\(source(start, peek.start))` is not part of the expression language (only the string and array methods can be called)")
            } else if peek.isPunctuator("?.") {
                throw .unsupported("optional chaining (`?.`) is not part of the expression language")
            } else if (peek.isPunctuator("++") || peek.isPunctuator("--")) && !peek.newlineBefore {
                throw .unsupported("increment and decrement (`++`, `--`) are not part of the expression language")
            } else {
                return node
            }
        }
    }

    mutating func primary() throws(ExpressionProblem) -> ExpressionNode {
        let token = advance()
        switch token.kind {
        case .number(let value): return .literal(.number(value))
        case .string(let value): return .literal(.string(value))
        case .identifier(let name):
            switch name {
            case "true": return .literal(true)
            case "false": return .literal(false)
            case "null": return .literal(.null)
            case "undefined": return .literal(.undefined)
            case "NaN": return .literal(.number(.nan))
            case "Infinity": return .literal(.number(.infinity))
            case "function": throw .unsupported("functions are not part of the expression language")
            case "new": throw .unsupported("`new` is not part of the expression language")
            case "this": throw .unsupported("`this` is not part of the expression language")
            default: break
            }
            if name == "return" { throw .syntax("Unexpected keyword 'return'") }
            if ExpressionParser.reservedWords.contains(name) {
                throw .unsupported("the statement or keyword `\(name)` is not part of the expression language")
            }
            if ExpressionParser.globals.contains(name) {
                throw .unsupported("the global `\(name)` is not part of the expression language")
            }
            if peek.isPunctuator("=>") { throw .unsupported("arrow functions (`=>`) are not part of the expression language") }
            return .name(name)
        case .punctuator("("):
            if peek.isPunctuator(")") {
                _ = advance()
                if peek.isPunctuator("=>") { throw .unsupported("arrow functions (`=>`) are not part of the expression language") }
                throw unexpected(tokens[position - 1])
            }
            let inner = try expression()
            guard peek.isPunctuator(")") else {
                throw .syntax("Unexpected \(describe(peek)). Expected ')' to end a compound expression.")
            }
            _ = advance()
            if peek.isPunctuator("=>") { throw .unsupported("arrow functions (`=>`) are not part of the expression language") }
            return inner
        case .punctuator("["): throw .unsupported("array literals (`[...]`) are not part of the expression language")
        case .punctuator("{"): throw .unsupported("object literals and blocks (`{...}`) are not part of the expression language")
        case .punctuator("/"), .punctuator("/="): throw .unsupported("regular expression literals (`/.../`) are not part of the expression language")
        case .punctuator("..."): throw .unsupported("spread (`...`) is not part of the expression language")
        case .unsupported(let what): throw .unsupported("\(what) are not part of the expression language")
        default: throw unexpected(token)
        }
    }

    func tokenText(_ token: ExpressionToken) -> String {
        token.kind == .end ? "}" : source(token.start, token.end)
    }

    /// JavaScriptCore's name for a token in its messages; the end of the source is the `}` that
    /// closes the function upstream builds.
    func describe(_ token: ExpressionToken) -> String {
        switch token.kind {
        case .number: "number '\(tokenText(token))'"
        case .string: "string literal \(tokenText(token))"
        case .identifier(let name) where !ExpressionParser.reservedWords.contains(name): "identifier '\(name)'"
        default: "token '\(tokenText(token))'"
        }
    }

    func unexpected(_ token: ExpressionToken) -> ExpressionProblem {
        .syntax("Unexpected \(describe(token))")
    }
}
