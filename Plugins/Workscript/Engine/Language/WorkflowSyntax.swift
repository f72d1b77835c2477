/// The lexical rules of the workflow language, as upstream's JSON schema states them.
public enum WorkflowSyntax {
    /// `[a-zA-Z0-9_-]+`: a node id, a workflow id.
    public static func isNodeIdentifier<S: StringProtocol>(_ text: S) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { isIdentifierByte($0) }
    }

    /// A step key or string target naming a node: `math` or `range...`.
    public static func isNodeKey(_ text: String) -> Bool {
        nodeKeyLength(text.utf8, ending: text.utf8.count) != nil
    }

    /// What a key of a step's config names.
    public enum ConfigKey: Sendable { case parameter, edge, invalid }

    /// ``isEdgeKey(_:)``, ``isParameterKey(_:)`` or neither, in one walk of the bytes.
    public static func configKey(_ text: String) -> ConfigKey {
        let bytes = text.utf8
        let edge = bytes.last == UInt8(ascii: "?")
        guard nodeKeyLength(bytes, ending: bytes.count - (edge ? 1 : 0)) != nil else { return .invalid }
        return edge ? .edge : .parameter
    }

    /// The identifier's length when the first `end` bytes are a node key (an identifier,
    /// optionally followed by `...`).
    private static func nodeKeyLength(_ bytes: String.UTF8View, ending end: Int) -> Int? {
        var length = 0, dots = 0
        for byte in bytes.prefix(end) {
            if byte == UInt8(ascii: ".") {
                dots += 1
            } else if dots == 0, isIdentifierByte(byte) {
                length += 1
            } else {
                return nil
            }
        }
        return length > 0 && (dots == 0 || dots == 3) ? length : nil
    }

    /// `$.a.b`: a state setter key (identifiers separated by dots, none numeric).
    public static func isStateSetterKey(_ text: String) -> Bool {
        text.hasPrefix("$.") && isStatePath(text.dropFirst(2))
    }

    /// `a.b.c` with each segment `[a-zA-Z_][a-zA-Z0-9_]*`.
    public static func isStatePath<S: StringProtocol>(_ path: S) -> Bool {
        var atSegmentStart = true
        for byte in path.utf8 {
            if byte == UInt8(ascii: ".") {
                if atSegmentStart { return false }
                atSegmentStart = true
                continue
            }
            let letter = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == UInt8(ascii: "_")
            let digit = byte >= 0x30 && byte <= 0x39
            if atSegmentStart ? !letter : !(letter || digit) { return false }
            atSegmentStart = false
        }
        return !atSegmentStart
    }

    /// A step string, a string edge target or a sequence string.
    public static func isStepString(_ text: String) -> Bool { isNodeKey(text) || isStateSetterKey(text) }

    /// A config key naming a parameter: `[a-zA-Z0-9_-]+(...)?`.
    public static func isParameterKey(_ text: String) -> Bool { configKey(text) == .parameter }

    /// A config key naming an edge route: a parameter key followed by `?`.
    public static func isEdgeKey(_ text: String) -> Bool { configKey(text) == .edge }

    /// `\d+.\d+.\d+`, exactly.
    public static func isVersion(_ text: String) -> Bool {
        var (dots, digits) = (0, 0)
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, dots < 2 else { return false }
                (dots, digits) = (dots + 1, 0)
            } else if byte >= 0x30 && byte <= 0x39 {
                digits += 1
            } else {
                return false
            }
        }
        return dots == 2 && digits > 0
    }

    static func isIdentifierByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    /// A JSON pointer token (RFC 6901): `~` as `~0`, `/` as `~1`.
    static func pointerToken(_ key: String) -> String {
        guard key.utf8.contains(UInt8(ascii: "~")) || key.utf8.contains(UInt8(ascii: "/")) else { return key }
        return key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }
}

extension String {
    /// Whether `needle` occurs, compared byte by byte (Foundation's `contains` goes through
    /// NSString on Linux, a fifth of a small workflow's parse and run).
    func containsBytes(_ needle: StaticString) -> Bool {
        let count = needle.utf8CodeUnitCount
        guard count > 0 else { return true }
        if let found = utf8.withContiguousStorageIfAvailable({ bytes -> Bool in
            guard bytes.count >= count else { return false }
            let pattern = UnsafeBufferPointer(start: needle.utf8Start, count: count)
            var index = 0
            while index <= bytes.count - count {
                if bytes[index] == pattern[0] {
                    var offset = 1
                    while offset < count, bytes[index + offset] == pattern[offset] { offset += 1 }
                    if offset == count { return true }
                }
                index += 1
            }
            return false
        }) { return found }
        var copy = self
        copy.makeContiguousUTF8()
        return copy.containsBytes(needle)
    }

    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let range = rest.range(of: target) {
            out += rest[..<range.lowerBound]
            out += replacement
            rest = rest[range.upperBound...]
        }
        out += rest
        return out
    }
}

extension Substring {
    func range(of target: String) -> Range<Index>? {
        guard let first = target.first else { return nil }
        var index = startIndex
        while index < endIndex {
            if self[index] == first, self[index...].hasPrefix(target) {
                return index..<self.index(index, offsetBy: target.count)
            }
            index = self.index(after: index)
        }
        return nil
    }
}
