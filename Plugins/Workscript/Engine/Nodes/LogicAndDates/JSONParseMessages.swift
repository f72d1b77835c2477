/// The message Bun's `JSON.parse` throws for text that is not JSON, in JavaScriptCore's
/// wording (`JSON Parse error: Expected '}'`, `... Unexpected identifier "not"`, ...), found by
/// walking the text as JavaScriptCore's parser does.
struct JSONParseMessages {
    let s: [UInt16]
    var i = 0

    /// nil when the text is JSON.
    static func message(for text: String) -> String? {
        var walker = JSONParseMessages(s: Array(text.utf16))
        if let problem = walker.value() { return "JSON Parse error: " + problem }
        walker.space()
        return walker.i < walker.s.count ? "JSON Parse error: Unable to parse JSON string" : nil
    }

    var current: UInt16? { i < s.count ? s[i] : nil }

    mutating func space() {
        while let c = current, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { i += 1 }
    }

    static func isDigit(_ c: UInt16?) -> Bool { c.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
    static func isWord(_ c: UInt16) -> Bool {
        (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A || isDigit(c) || c == 0x5F || c == 0x24
    }

    func text(_ from: Int, _ to: Int) -> String { String(utf16CodeUnits: Array(s[from..<to]), count: to - from) }

    mutating func value() -> String? {
        space()
        guard let c = current else { return "Unexpected EOF" }
        switch c {
        case 0x7B: return container(close: 0x7D)
        case 0x5B: return container(close: 0x5D)
        case 0x22: return string()
        case 0x27: return "Single quotes (') are not allowed in JSON"
        case 0x2D, 0x30...0x39: return number()
        case 0x2C, 0x3A, 0x5D, 0x7D, 0x2E: return "Unexpected token '\(text(i, i + 1))'"
        default:
            if (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A || c == 0x5F || c == 0x24 {
                let start = i
                while let d = current, JSONParseMessages.isWord(d) { i += 1 }
                let word = text(start, i)
                return ["true", "false", "null"].contains(word) ? nil : "Unexpected identifier \"\(word)\""
            }
            let scalarEnd = (0xD800...0xDBFF).contains(c) && i + 1 < s.count ? i + 2 : i + 1
            return "Unrecognized token '\(text(i, scalarEnd))'"
        }
    }

    mutating func number() -> String? {
        if current == 0x2D {
            i += 1
            guard JSONParseMessages.isDigit(current) else { return "Invalid number" }
        }
        if current == 0x30 { i += 1 } else { while JSONParseMessages.isDigit(current) { i += 1 } }
        if current == 0x2E {
            i += 1
            guard JSONParseMessages.isDigit(current) else { return "Invalid digits after decimal point" }
            while JSONParseMessages.isDigit(current) { i += 1 }
        }
        if let e = current, e == 0x65 || e == 0x45 {
            i += 1
            if let sign = current, sign == 0x2B || sign == 0x2D { i += 1 }
            guard JSONParseMessages.isDigit(current) else { return "Unable to parse JSON string" }
            while JSONParseMessages.isDigit(current) { i += 1 }
        }
        return nil
    }

    mutating func string() -> String? {
        i += 1
        while let c = current {
            i += 1
            if c == 0x22 { return nil }
            if c < 0x20 { return "Unterminated string" }
            guard c == 0x5C else { continue }
            guard let e = current else { return "Unterminated string" }
            i += 1
            switch e {
            case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74: continue
            case 0x75:
                for _ in 0..<4 {
                    guard let h = current, JSONParseMessages.isDigit(h) || ((h | 0x20) >= 0x61 && (h | 0x20) <= 0x66) else {
                        return "\\u must be followed by 4 hex digits"
                    }
                    i += 1
                }
            default: return "Invalid escape character \(text(i - 1, i))"
            }
        }
        return "Unterminated string"
    }

    mutating func container(close: UInt16) -> String? {
        let expected = close == 0x7D ? "Expected '}'" : "Expected ']'"
        i += 1
        space()
        if current == close { i += 1; return nil }
        var first = true
        while true {
            space()
            if close == 0x7D {
                if current == 0x27 { return "Single quotes (') are not allowed in JSON" }
                guard current == 0x22 else { return first ? expected : "Property name must be a string literal" }
                if let problem = string() { return problem }
                space()
                guard current == 0x3A else { return "Expected ':' before value in object property definition" }
                i += 1
            } else if !first && current == close {
                return "Unexpected comma at the end of array expression"
            }
            if let problem = value() { return problem }
            space()
            guard let c = current else { return expected }
            if c == 0x2C { i += 1; first = false; continue }
            if c == close { i += 1; return nil }
            return expected
        }
    }
}
