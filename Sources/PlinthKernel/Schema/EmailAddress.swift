import Foundation

/// How Plinth reads an email address (`format: email` in a schema): one form per mailbox, so
/// that look-alikes cannot register a second account, and a check that it can be a mailbox.
public enum EmailAddress {
    /// NFKC (fullwidth `ａ` is `a`), then lower-cased, trimmed. Every look-up and insert uses it.
    public static func normalize(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCompatibilityMapping.lowercased()
    }

    /// Why a normalized address is refused, or `nil` when it is acceptable: one `@`, a local
    /// part of 1–64 bytes, a domain of two or more non-empty labels, no control, invisible
    /// (zero-width) or quoting characters, and no part that mixes Latin, Greek and Cyrillic
    /// letters (`pаypal` with a Cyrillic `а`), as UTS #39 advises against confusables.
    public static func problem(_ email: String) -> String? {
        guard email.utf8.count <= 254 else { return "is longer than 254 bytes" }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return "must have exactly one '@'" }
        let (local, domain) = (parts[0], parts[1])
        guard (1...64).contains(local.utf8.count) else { return "must have 1-64 bytes before the '@'" }
        for scalar in email.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .spaceSeparator, .privateUse, .surrogate, .unassigned:
                return "contains an invisible or control character (U+\(String(scalar.value, radix: 16, uppercase: true)))"
            default:
                if "<>()[]\\,;:\"".unicodeScalars.contains(scalar) { return "contains '\(scalar)'" }
            }
        }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ (1...63).contains($0.utf8.count) }) else {
            return "needs a domain of dot-separated names, such as example.com"
        }
        for label in labels where label.hasPrefix("-") || label.hasSuffix("-") || !label.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) {
            return "has an invalid domain name '\(label)'"
        }
        for part in [local] + labels where script(of: part) == nil {
            return "mixes letters of different scripts in '\(part)'"
        }
        return nil
    }

    enum Script { case latin, greek, cyrillic, other }

    /// The one script `part`'s letters are written in (`.other` for none of the three), or nil
    /// when they mix Latin, Greek and Cyrillic.
    static func script(of part: Substring) -> Script? {
        var found: Script?
        for scalar in part.unicodeScalars where scalar.properties.isAlphabetic {
            let script: Script
            switch scalar.value {
            case 0x41...0x5A, 0x61...0x7A, 0xC0...0x24F, 0x1E00...0x1EFF: script = .latin
            case 0x370...0x3FF, 0x1F00...0x1FFF: script = .greek
            case 0x400...0x52F, 0x2DE0...0x2DFF, 0xA640...0xA69F: script = .cyrillic
            default: script = .other
            }
            if script == .other { continue }
            if let found, found != script { return nil }
            found = script
        }
        return found ?? .other
    }
}
