/// JSON text to ``ScriptValue`` and back, keeping object key order (Foundation's parser does
/// not), with `JSON.stringify`'s rules for output.
public enum ScriptJSON {
    /// Bad JSON text: where and what.
    public struct SyntaxError: Error, Sendable, CustomStringConvertible {
        /// Byte offset of the problem.
        public let offset: Int
        public let reason: String
        public var description: String { "\(reason) at byte \(offset)" }
    }

    /// Parses one JSON value; white space around it is allowed, anything else is an error.
    public static func parse(_ text: String) throws(SyntaxError) -> ScriptValue {
        try parse(Array(text.utf8))
    }

    public static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> ScriptValue {
        let result: Result<ScriptValue, SyntaxError> = bytes.withUnsafeBufferPointer { buffer in
            var parser = Parser(bytes: buffer)
            do throws(SyntaxError) { return .success(try parser.document()) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// `JSON.stringify(value)` (or with `indent` spaces per level); nil for `undefined`.
    public static func stringify(_ value: ScriptValue, indent: Int = 0) -> String? {
        if value.isUndefined { return nil }
        var out = ""
        write(value, to: &out, indent: indent, level: 0)
        return out
    }

    static func write(_ value: ScriptValue, to out: inout String, indent: Int, level: Int) {
        switch value {
        case .undefined, .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .number(let number): out += number.isFinite ? ScriptNumber.format(number) : "null"
        case .string(let string): writeString(string, to: &out)
        case .array(let values):
            if values.isEmpty { out += "[]"; return }
            out += "["
            for (at, element) in values.enumerated() {
                if at > 0 { out += "," }
                newline(&out, indent, level + 1)
                write(element, to: &out, indent: indent, level: level + 1)
            }
            newline(&out, indent, level)
            out += "]"
        case .object(let object):
            var first = true
            out += "{"
            for (key, member) in object where !member.isUndefined {
                if !first { out += "," }
                first = false
                newline(&out, indent, level + 1)
                writeString(key, to: &out)
                out += indent > 0 ? ": " : ":"
                write(member, to: &out, indent: indent, level: level + 1)
            }
            if !first { newline(&out, indent, level) }
            out += "}"
        }
    }

    private static func newline(_ out: inout String, _ indent: Int, _ level: Int) {
        guard indent > 0 else { return }
        out += "\n" + String(repeating: " ", count: indent * level)
    }

    static func writeString(_ string: String, to out: inout String) {
        out += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var at = 0
        var depth = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        mutating func document() throws(SyntaxError) -> ScriptValue {
            let value = try parseValue()
            skipSpace()
            if at < bytes.count { throw SyntaxError(offset: at, reason: "unexpected text after the JSON value") }
            return value
        }

        mutating func skipSpace() {
            while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x0A || bytes[at] == 0x0D || bytes[at] == 0x09 { at += 1 }
        }

        mutating func parseValue() throws(SyntaxError) -> ScriptValue {
            skipSpace()
            guard at < bytes.count else { throw SyntaxError(offset: at, reason: "unexpected end of JSON") }
            switch bytes[at] {
            case UInt8(ascii: "{"): return try parseObject()
            case UInt8(ascii: "["): return try parseArray()
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            default: return .number(try parseNumber())
            }
        }

        mutating func literal(_ word: StaticString) throws(SyntaxError) {
            let count = word.utf8CodeUnitCount
            guard at + count <= bytes.count else { throw SyntaxError(offset: at, reason: "unexpected token") }
            for i in 0..<count where bytes[at + i] != word.utf8Start[i] { throw SyntaxError(offset: at, reason: "unexpected token") }
            at += count
        }

        mutating func nest() throws(SyntaxError) {
            depth += 1
            // Bounds the recursion, so hostile input cannot exhaust the stack.
            if depth > 512 { throw SyntaxError(offset: at, reason: "JSON nested deeper than 512 levels") }
        }

        mutating func parseObject() throws(SyntaxError) -> ScriptValue {
            try nest()
            at += 1
            var object = ScriptObject()
            skipSpace()
            if at < bytes.count, bytes[at] == UInt8(ascii: "}") { at += 1; depth -= 1; return .object(object) }
            while true {
                skipSpace()
                guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { throw SyntaxError(offset: at, reason: "expected a member name") }
                let key = try parseString()
                skipSpace()
                guard at < bytes.count, bytes[at] == UInt8(ascii: ":") else { throw SyntaxError(offset: at, reason: "expected ':'") }
                at += 1
                object[key] = try parseValue()
                skipSpace()
                guard at < bytes.count else { throw SyntaxError(offset: at, reason: "unexpected end of JSON") }
                if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
                if bytes[at] == UInt8(ascii: "}") { at += 1; break }
                throw SyntaxError(offset: at, reason: "expected ',' or '}'")
            }
            depth -= 1
            return .object(object)
        }

        mutating func parseArray() throws(SyntaxError) -> ScriptValue {
            try nest()
            at += 1
            var values: [ScriptValue] = []
            skipSpace()
            if at < bytes.count, bytes[at] == UInt8(ascii: "]") { at += 1; depth -= 1; return .array(values) }
            while true {
                values.append(try parseValue())
                skipSpace()
                guard at < bytes.count else { throw SyntaxError(offset: at, reason: "unexpected end of JSON") }
                if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
                if bytes[at] == UInt8(ascii: "]") { at += 1; break }
                throw SyntaxError(offset: at, reason: "expected ',' or ']'")
            }
            depth -= 1
            return .array(values)
        }

        mutating func parseString() throws(SyntaxError) -> String {
            at += 1
            let start = at
            // Fast path: no escapes.
            while at < bytes.count, bytes[at] != UInt8(ascii: "\""), bytes[at] != UInt8(ascii: "\\"), bytes[at] >= 0x20 { at += 1 }
            if at < bytes.count, bytes[at] == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
                at += 1
                return text
            }
            var scratch = Array(bytes[start..<at])
            while true {
                guard at < bytes.count else { throw SyntaxError(offset: at, reason: "unterminated string") }
                let byte = bytes[at]
                if byte == UInt8(ascii: "\"") { at += 1; break }
                if byte < 0x20 { throw SyntaxError(offset: at, reason: "control character in string") }
                if byte != UInt8(ascii: "\\") { scratch.append(byte); at += 1; continue }
                at += 1
                guard at < bytes.count else { throw SyntaxError(offset: at, reason: "unterminated string") }
                let escape = bytes[at]
                at += 1
                switch escape {
                case UInt8(ascii: "\""): scratch.append(0x22)
                case UInt8(ascii: "\\"): scratch.append(0x5C)
                case UInt8(ascii: "/"): scratch.append(0x2F)
                case UInt8(ascii: "b"): scratch.append(0x08)
                case UInt8(ascii: "f"): scratch.append(0x0C)
                case UInt8(ascii: "n"): scratch.append(0x0A)
                case UInt8(ascii: "r"): scratch.append(0x0D)
                case UInt8(ascii: "t"): scratch.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code), at + 1 < bytes.count, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") {
                        let save = at
                        at += 2
                        let low = try hex4()
                        if (0xDC00..<0xE000).contains(low) { code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00) } else { at = save }
                    }
                    let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
                    scratch.append(contentsOf: Array(String(Character(scalar)).utf8))
                default: throw SyntaxError(offset: at - 1, reason: "bad escape in string")
                }
            }
            return String(decoding: scratch, as: UTF8.self)
        }

        mutating func hex4() throws(SyntaxError) -> UInt32 {
            guard at + 4 <= bytes.count else { throw SyntaxError(offset: at, reason: "bad \\u escape") }
            var code: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[at]
                let digit: UInt32
                switch byte {
                case 0x30...0x39: digit = UInt32(byte - 0x30)
                case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
                case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
                default: throw SyntaxError(offset: at, reason: "bad \\u escape")
                }
                code = code * 16 + digit
                at += 1
            }
            return code
        }

        mutating func parseNumber() throws(SyntaxError) -> Double {
            let start = at
            if at < bytes.count, bytes[at] == UInt8(ascii: "-") { at += 1 }
            guard at < bytes.count, (0x30...0x39).contains(bytes[at]) else { throw SyntaxError(offset: start, reason: "unexpected token") }
            if bytes[at] == 0x30 { at += 1 } else { while at < bytes.count, (0x30...0x39).contains(bytes[at]) { at += 1 } }
            if at < bytes.count, bytes[at] == UInt8(ascii: ".") {
                at += 1
                guard at < bytes.count, (0x30...0x39).contains(bytes[at]) else { throw SyntaxError(offset: at, reason: "expected a digit") }
                while at < bytes.count, (0x30...0x39).contains(bytes[at]) { at += 1 }
            }
            if at < bytes.count, bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E") {
                at += 1
                if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") { at += 1 }
                guard at < bytes.count, (0x30...0x39).contains(bytes[at]) else { throw SyntaxError(offset: at, reason: "expected a digit") }
                while at < bytes.count, (0x30...0x39).contains(bytes[at]) { at += 1 }
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
            return Double(text) ?? .nan
        }
    }
}
