/// Just enough XML for S3's answers: the text of elements by name. S3's documents are flat,
/// machine-written and free of CDATA and comments, so a scanner is enough and saves linking
/// libxml2.
enum S3XML {
    /// The text of every `<name>` element, entities decoded; inner markup is kept as-is.
    static func all(_ name: String, in text: String) -> [String] {
        var results: [String] = []
        let open = "<\(name)>"
        let close = "</\(name)>"
        var rest = text[...]
        while let start = rest.range(of: open) {
            let after = rest[start.upperBound...]
            guard let end = after.range(of: close) else { break }
            results.append(decode(String(after[..<end.lowerBound])))
            rest = after[end.upperBound...]
        }
        return results
    }

    static func first(_ name: String, in text: String) -> String? { all(name, in: text).first }

    /// The raw inner markup of every `<name>` element, for nested lists (`<Contents>`).
    static func blocks(_ name: String, in text: String) -> [String] {
        var results: [String] = []
        var rest = text[...]
        while let start = rest.range(of: "<\(name)>") {
            let after = rest[start.upperBound...]
            guard let end = after.range(of: "</\(name)>") else { break }
            results.append(String(after[..<end.lowerBound]))
            rest = after[end.upperBound...]
        }
        return results
    }

    static func decode(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = text[...]
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";") else { out += rest[amp...]; return out }
            let entity = rest[rest.index(after: amp)..<semi]
            switch entity {
            case "amp": out += "&"
            case "lt": out += "<"
            case "gt": out += ">"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                let number = entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16) : entity.hasPrefix("#") ? UInt32(entity.dropFirst(), radix: 10) : nil
                if let number, let scalar = Unicode.Scalar(number) { out.unicodeScalars.append(scalar) } else { out += rest[amp...semi] }
            }
            rest = rest[rest.index(after: semi)...]
        }
        return out + rest
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(ch)
            }
        }
        return out
    }
}
