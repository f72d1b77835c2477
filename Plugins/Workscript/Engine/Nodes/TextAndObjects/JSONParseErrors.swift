/// `JSON.parse` with JavaScriptCore's `SyntaxError` messages (`JSON Parse error: Unexpected
/// identifier "Ann"`), which `editFields` puts into its error edge when a JSON template does
/// not produce JSON. The messages follow the order in which JavaScriptCore's literal parser
/// meets the problem: lexical errors first, then what the grammar expected.
enum JSONParseErrors {
    static func parse(_ text: String) throws(NodeFailure) -> ScriptValue {
        do {
            return try ScriptJSON.parse(text)
        } catch {
            throw NodeFailure("JSON Parse error: " + reason(text))
        }
    }

    private enum Token: Equatable {
        case open(UInt8), close(UInt8), colon, comma, dot, string, number, literal, identifier(String), end
    }

    private struct Failure: Error { let reason: String }

    private struct Lexer {
        let bytes: [UInt8]
        var at = 0

        mutating func next() throws(Failure) -> Token {
            while at < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[at]) { at += 1 }
            guard at < bytes.count else { return .end }
            let c = bytes[at]
            switch c {
            case 0x7B, 0x5B: at += 1; return .open(c)
            case 0x7D, 0x5D: at += 1; return .close(c)
            case 0x3A: at += 1; return .colon
            case 0x2C: at += 1; return .comma
            case 0x2E: at += 1; return .dot
            case 0x22: try string(); return .string
            case 0x27: throw Failure(reason: "Single quotes (') are not allowed in JSON")
            case 0x2D, 0x30...0x39: try number(); return .number
            default:
                guard isIdentifierStart(c) else { throw Failure(reason: "Unrecognized token '\(character(at))'") }
                // A keyword is taken as soon as its letters are there (`nulll` is `null` then `l`).
                for keyword in ["true", "false", "null"] where bytes[at...].starts(with: keyword.utf8) {
                    at += keyword.utf8.count
                    return .literal
                }
                let start = at
                while at < bytes.count, isIdentifierStart(bytes[at]) || (0x30...0x39).contains(bytes[at]) { at += 1 }
                let word = String(decoding: bytes[start..<at], as: UTF8.self)
                return .identifier(word)
            }
        }

        private func isIdentifierStart(_ c: UInt8) -> Bool {
            (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) || c == 0x5F || c == 0x24
        }

        private func character(_ i: Int) -> String {
            var end = i + 1
            while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
            return String(decoding: bytes[i..<end], as: UTF8.self)
        }

        private mutating func string() throws(Failure) {
            at += 1
            while at < bytes.count {
                let c = bytes[at]
                if c == 0x22 { at += 1; return }
                if c < 0x20 { break }
                if c == 0x5C {
                    guard at + 1 < bytes.count else { break }
                    let e = bytes[at + 1]
                    if e == 0x75 {
                        let digits = bytes[min(at + 2, bytes.count)..<min(at + 6, bytes.count)]
                        guard digits.count == 4, digits.allSatisfy({ RegexParser.hexValue(UInt32($0)) != nil }) else {
                            let window = String(decoding: bytes[at..<min(at + 6, bytes.count)], as: UTF8.self)
                            throw Failure(reason: "\"\(window)\" is not a valid unicode escape")
                        }
                        at += 6
                        continue
                    }
                    guard [0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74].contains(e) else {
                        throw Failure(reason: "Invalid escape character \(character(at + 1))")
                    }
                    at += 2
                    continue
                }
                at += 1
            }
            throw Failure(reason: "Unterminated string")
        }

        private mutating func number() throws(Failure) {
            if bytes[at] == 0x2D { at += 1 }
            guard at < bytes.count, (0x30...0x39).contains(bytes[at]) else { throw Failure(reason: "Invalid number") }
            if bytes[at] == 0x30 { at += 1 } else { while at < bytes.count, (0x30...0x39).contains(bytes[at]) { at += 1 } }
            if at < bytes.count, bytes[at] == 0x2E {
                at += 1
                guard at < bytes.count, (0x30...0x39).contains(bytes[at]) else { throw Failure(reason: "Invalid digits after decimal point") }
                while at < bytes.count, (0x30...0x39).contains(bytes[at]) { at += 1 }
            }
            if at < bytes.count, bytes[at] == 0x65 || bytes[at] == 0x45 {
                var i = at + 1
                if i < bytes.count, bytes[i] == 0x2B || bytes[i] == 0x2D { i += 1 }
                // Without exponent digits the number ends before the `e`.
                guard i < bytes.count, (0x30...0x39).contains(bytes[i]) else { return }
                while i < bytes.count, (0x30...0x39).contains(bytes[i]) { i += 1 }
                at = i
            }
        }
    }

    /// Why `text` is not JSON, in JavaScriptCore's words.
    static func reason(_ text: String) -> String {
        var lexer = Lexer(bytes: Array(text.utf8))
        do {
            try value(try lexer.next(), &lexer)
            // A whole value followed by more text (or JSON this parser accepts but ScriptJSON
            // does not, such as nesting beyond its limit).
            return "Unable to parse JSON string"
        } catch {
            return error.reason
        }
    }

    private static func value(_ token: Token, _ lexer: inout Lexer) throws(Failure) {
        switch token {
        case .string, .number, .literal: return
        case .end: throw Failure(reason: "Unexpected EOF")
        case .identifier(let word): throw Failure(reason: "Unexpected identifier \"\(word)\"")
        case .open(0x5B):
            var next = try lexer.next()
            if next == .close(0x5D) { return }
            while true {
                try value(next, &lexer)
                let after = try lexer.next()
                if after == .close(0x5D) { return }
                guard after == .comma else { throw Failure(reason: "Expected ']'") }
                next = try lexer.next()
                if next == .close(0x5D) { throw Failure(reason: "Unexpected comma at the end of array expression") }
            }
        case .open:
            var next = try lexer.next()
            if next == .close(0x7D) { return }
            guard next == .string else { throw Failure(reason: "Expected '}'") }
            while true {
                guard try lexer.next() == .colon else { throw Failure(reason: "Expected ':' before value in object property definition") }
                try value(try lexer.next(), &lexer)
                let after = try lexer.next()
                if after == .close(0x7D) { return }
                guard after == .comma else { throw Failure(reason: "Expected '}'") }
                next = try lexer.next()
                guard next == .string else { throw Failure(reason: "Property name must be a string literal") }
            }
        case .close(let c): throw Failure(reason: "Unexpected token '\(Character(Unicode.Scalar(c)))'")
        case .colon: throw Failure(reason: "Unexpected token ':'")
        case .comma: throw Failure(reason: "Unexpected token ','")
        case .dot: throw Failure(reason: "Unexpected token '.'")
        }
    }
}
