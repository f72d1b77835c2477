import Foundation

/// A set of acceptable versions, written as npm/Cargo-style ranges.
///
/// Accepted forms: `*`, `1.2.3` (exactly), `>=1.0.0 <2.0.0` (all comparators must hold),
/// `^1.2.0` (same major; for 0.x, same minor), `~1.2.0` (same minor), `1.x` / `1.2.x`,
/// and alternatives joined by `||`.
///
/// ```swift
/// let range = try VersionRange(parsing: "^1.2.0")
/// range.contains(SemanticVersion(1, 9, 0)) // true
/// ```
public struct VersionRange: Sendable, Hashable, CustomStringConvertible {
    struct Comparator: Sendable, Hashable {
        enum Op: String, Sendable { case lt = "<", le = "<=", gt = ">", ge = ">=", eq = "=" }
        var op: Op
        var version: SemanticVersion
        func matches(_ v: SemanticVersion) -> Bool {
            switch op {
            case .lt: v < version
            case .le: v <= version
            case .gt: v > version
            case .ge: v >= version
            case .eq: v == version
            }
        }
    }

    /// Alternatives (`||`), each a conjunction of comparators.
    let alternatives: [[Comparator]]
    /// The text the range was parsed from.
    public let description: String

    /// Any version at all (`*`).
    public static let any = try! VersionRange(parsing: "*")

    /// - Throws: ``VersionParseError`` naming the text when it is not a range.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw VersionParseError(text: text, expected: "a version range such as ^1.0.0 or >=1.2.0 <2.0.0") }
        var alternatives: [[Comparator]] = []
        for alternative in trimmed.components(separatedBy: "||") {
            var set: [Comparator] = []
            let terms = alternative.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
            guard !terms.isEmpty else { throw VersionParseError(text: text, expected: "a version range; '||' needs a range on both sides") }
            for term in terms { set += try Self.comparators(for: term, in: text) }
            alternatives.append(set)
        }
        self.alternatives = alternatives
        self.description = trimmed
    }

    /// Whether `version` lies in the range. A pre-release only matches a range that names a
    /// pre-release of the same major.minor.patch, as npm does, so `^1.0.0` never admits `2.0.0-rc.1`.
    public func contains(_ version: SemanticVersion) -> Bool {
        alternatives.contains { set in
            guard set.allSatisfy({ $0.matches(version) }) else { return false }
            if version.prerelease.isEmpty { return true }
            return set.contains { c in
                !c.version.prerelease.isEmpty && (c.version.major, c.version.minor, c.version.patch) == (version.major, version.minor, version.patch)
            }
        }
    }

    private static func comparators(for term: String, in text: String) throws -> [Comparator] {
        let bad = VersionParseError(text: text, expected: "a version range such as ^1.0.0 or >=1.2.0 <2.0.0")
        if term == "*" || term == "x" || term == "X" { return [Comparator(op: .ge, version: SemanticVersion(0, 0, 0))] }
        for op in [Comparator.Op.ge, .le, .gt, .lt, .eq] where term.hasPrefix(op.rawValue) {
            // ">=" must win over ">", so two-character operators are tried first.
            let rest = String(term.dropFirst(op.rawValue.count))
            guard let v = try? SemanticVersion(parsing: rest) else { throw bad }
            return [Comparator(op: op, version: v)]
        }
        if term.hasPrefix("^") || term.hasPrefix("~") {
            let caret = term.hasPrefix("^")
            let (v, given) = try partial(String(term.dropFirst()), bad)
            let upper: SemanticVersion
            if caret {
                if v.major > 0 || given == 1 { upper = SemanticVersion(v.major + 1, 0, 0) }
                else if v.minor > 0 || given == 2 { upper = SemanticVersion(0, v.minor + 1, 0) }
                else { upper = SemanticVersion(0, 0, v.patch + 1) }
            } else {
                upper = given == 1 ? SemanticVersion(v.major + 1, 0, 0) : SemanticVersion(v.major, v.minor + 1, 0)
            }
            return [Comparator(op: .ge, version: v), Comparator(op: .lt, version: upper)]
        }
        let (v, given) = try partial(term, bad)
        switch given {
        case 1: return [Comparator(op: .ge, version: v), Comparator(op: .lt, version: SemanticVersion(v.major + 1, 0, 0))]
        case 2: return [Comparator(op: .ge, version: v), Comparator(op: .lt, version: SemanticVersion(v.major, v.minor + 1, 0))]
        default: return [Comparator(op: .eq, version: v)]
        }
    }

    /// Parses `1`, `1.2`, `1.2.x` or a full version; returns the version and how many parts were given.
    private static func partial(_ text: String, _ bad: VersionParseError) throws -> (SemanticVersion, Int) {
        if let full = try? SemanticVersion(parsing: text) { return (full, 3) }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let numbers = parts.prefix { !["x", "X", "*"].contains($0) }
        guard (1...3).contains(parts.count), !numbers.isEmpty, numbers.count < 3,
              parts.dropFirst(numbers.count).allSatisfy({ ["x", "X", "*"].contains($0) }) else { throw bad }
        let values = try numbers.map { part -> Int in
            guard let n = SemanticVersion.number(part) else { throw bad }
            return n
        }
        return (SemanticVersion(values[0], values.count > 1 ? values[1] : 0, 0), values.count)
    }
}
