import Foundation

/// String comparisons by UTF-16 code units, as JavaScript makes them (Swift's `==` and
/// `contains` treat canonically equivalent texts as equal, JavaScript does not).
enum UnitText {
    /// Equal code units. A Swift string holds whole scalars, so equal UTF-8 is equal UTF-16,
    /// and the byte count is known without a walk.
    static func equal(_ a: String, _ b: String) -> Bool {
        let count = a.utf8.count
        guard count == b.utf8.count else { return false }
        if count == 0 { return true }
        let same = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y in memcmp(x.baseAddress!, y.baseAddress!, count) == 0 }
        }
        return (same ?? nil) ?? a.utf8.elementsEqual(b.utf8)
    }
    static func hasPrefix(_ text: String, _ prefix: String) -> Bool { text.utf16.starts(with: prefix.utf16) }
    static func hasSuffix(_ text: String, _ suffix: String) -> Bool { text.utf16.reversed().starts(with: suffix.utf16.reversed()) }
    static func contains(_ text: String, _ part: String) -> Bool {
        let whole = Array(text.utf16), needle = Array(part.utf16)
        if needle.isEmpty { return true }
        guard needle.count <= whole.count else { return false }
        for start in 0...(whole.count - needle.count) where whole[start] == needle[0] {
            if whole[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
    /// `a < b` on strings.
    static func less(_ a: String, _ b: String) -> Bool { a.utf16.lexicographicallyPrecedes(b.utf16) }
}

/// A string as a key of a JavaScript `Set`, `Map` or object: equal and hashed by code units,
/// where a Swift `Set<String>` would merge canonically equivalent texts.
struct UnitKey: Hashable, Sendable {
    let text: String

    init(_ text: String) { self.text = text }

    static func == (lhs: UnitKey, rhs: UnitKey) -> Bool { UnitText.equal(lhs.text, rhs.text) }

    func hash(into hasher: inout Hasher) {
        // Equal UTF-8 is equal UTF-16 (see ``UnitText/equal(_:_:)``).
        for byte in text.utf8 { hasher.combine(byte) }
    }
}
