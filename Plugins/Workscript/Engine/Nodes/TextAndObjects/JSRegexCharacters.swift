/// Character tests of JavaScript regular expressions: `\s`, `\w`, `\d`, line terminators,
/// case-insensitive canonicalisation and `\p{…}` properties.
enum RegexCharacters {
    /// ECMAScript WhiteSpace and LineTerminator, the members of `\s` and of `trim()`.
    static func isSpace(_ c: UInt32) -> Bool {
        switch c {
        case 0x09...0x0D, 0x20, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF: true
        default: false
        }
    }

    static func isLineTerminator(_ c: UInt32) -> Bool { c == 0x0A || c == 0x0D || c == 0x2028 || c == 0x2029 }

    static func isWord(_ c: UInt32, unicodeIgnoreCase: Bool = false) -> Bool {
        switch c {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x5F: true
        // ſ and the Kelvin sign fold to word letters under `ui`.
        case 0x17F, 0x212A: unicodeIgnoreCase
        default: false
        }
    }

    /// `Canonicalize` without `u`: the single-unit upper case, unless that maps a non-ASCII
    /// character into ASCII.
    static func canonical(_ c: UInt32, unicode: Bool) -> UInt32 {
        if unicode { return folded(c) }
        if c < 0x80 { return (0x61...0x7A).contains(c) ? c - 0x20 : c }
        guard c <= 0xFFFF else { return c }
        return UInt32(upperTable[Int(c)])
    }

    /// Characters other than `c` with the same canonical form, for class membership under `i`.
    static func caseVariants(_ c: UInt32, unicode: Bool) -> [UInt32] {
        let key = canonical(c, unicode: unicode)
        if unicode {
            var out: [UInt32] = [key]
            for mapped in [lower(c), upper(c), lower(key), upper(key)] where !out.contains(mapped) && folded(mapped) == key { out.append(mapped) }
            return out
        }
        var out: [UInt32] = [key]
        if (0x41...0x5A).contains(key) { out.append(key + 0x20) }
        return out + (sharedUpper[UInt16(truncatingIfNeeded: key)] ?? []).map(UInt32.init)
    }

    private static func single(_ text: String) -> UInt32? {
        let scalars = text.unicodeScalars
        return scalars.count == 1 ? scalars.first!.value : nil
    }

    private static func lower(_ c: UInt32) -> UInt32 { Unicode.Scalar(c).flatMap { single($0.properties.lowercaseMapping) } ?? c }
    private static func upper(_ c: UInt32) -> UInt32 { Unicode.Scalar(c).flatMap { single($0.properties.uppercaseMapping) } ?? c }

    /// Simple case folding, approximated by the one-character lower case of the upper case.
    private static func folded(_ c: UInt32) -> UInt32 {
        if c < 0x80 { return (0x41...0x5A).contains(c) ? c + 0x20 : c }
        return lower(upper(c))
    }

    private static let upperTable: [UInt16] = (0..<0x10000).map { unit in
        guard unit >= 0x80, let scalar = Unicode.Scalar(UInt32(unit)) else { return UInt16(unit) }
        let mapped = scalar.properties.uppercaseMapping.utf16
        guard mapped.count == 1, let first = mapped.first, first >= 0x80 else { return UInt16(unit) }
        return first
    }

    private static let sharedUpper: [UInt16: [UInt16]] = {
        var map: [UInt16: [UInt16]] = [:]
        for (unit, key) in upperTable.enumerated() where Int(key) != unit { map[key, default: []].append(UInt16(unit)) }
        return map
    }()
}

/// The `\p{…}` properties this engine knows: general categories and common binary ones.
/// Script properties are not available (Swift does not expose them).
enum UnicodeProperty: Sendable {
    case category(Set<String>)
    case binary(String)

    private static let categoryNames: [String: [String]] = [
        "L": ["Lu", "Ll", "Lt", "Lm", "Lo"], "Letter": ["Lu", "Ll", "Lt", "Lm", "Lo"], "LC": ["Lu", "Ll", "Lt"], "Cased_Letter": ["Lu", "Ll", "Lt"],
        "Lu": ["Lu"], "Uppercase_Letter": ["Lu"], "Ll": ["Ll"], "Lowercase_Letter": ["Ll"], "Lt": ["Lt"], "Titlecase_Letter": ["Lt"],
        "Lm": ["Lm"], "Modifier_Letter": ["Lm"], "Lo": ["Lo"], "Other_Letter": ["Lo"],
        "M": ["Mn", "Mc", "Me"], "Mark": ["Mn", "Mc", "Me"], "Combining_Mark": ["Mn", "Mc", "Me"],
        "Mn": ["Mn"], "Nonspacing_Mark": ["Mn"], "Mc": ["Mc"], "Spacing_Mark": ["Mc"], "Me": ["Me"], "Enclosing_Mark": ["Me"],
        "N": ["Nd", "Nl", "No"], "Number": ["Nd", "Nl", "No"], "Nd": ["Nd"], "Decimal_Number": ["Nd"], "digit": ["Nd"],
        "Nl": ["Nl"], "Letter_Number": ["Nl"], "No": ["No"], "Other_Number": ["No"],
        "P": ["Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po"], "Punctuation": ["Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po"], "punct": ["Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po"],
        "Pc": ["Pc"], "Connector_Punctuation": ["Pc"], "Pd": ["Pd"], "Dash_Punctuation": ["Pd"], "Ps": ["Ps"], "Open_Punctuation": ["Ps"],
        "Pe": ["Pe"], "Close_Punctuation": ["Pe"], "Pi": ["Pi"], "Initial_Punctuation": ["Pi"], "Pf": ["Pf"], "Final_Punctuation": ["Pf"],
        "Po": ["Po"], "Other_Punctuation": ["Po"],
        "S": ["Sm", "Sc", "Sk", "So"], "Symbol": ["Sm", "Sc", "Sk", "So"], "Sm": ["Sm"], "Math_Symbol": ["Sm"], "Sc": ["Sc"], "Currency_Symbol": ["Sc"],
        "Sk": ["Sk"], "Modifier_Symbol": ["Sk"], "So": ["So"], "Other_Symbol": ["So"],
        "Z": ["Zs", "Zl", "Zp"], "Separator": ["Zs", "Zl", "Zp"], "Zs": ["Zs"], "Space_Separator": ["Zs"], "Zl": ["Zl"], "Line_Separator": ["Zl"],
        "Zp": ["Zp"], "Paragraph_Separator": ["Zp"],
        "C": ["Cc", "Cf", "Cs", "Co", "Cn"], "Other": ["Cc", "Cf", "Cs", "Co", "Cn"], "Cc": ["Cc"], "Control": ["Cc"], "cntrl": ["Cc"],
        "Cf": ["Cf"], "Format": ["Cf"], "Cs": ["Cs"], "Surrogate": ["Cs"], "Co": ["Co"], "Private_Use": ["Co"], "Cn": ["Cn"], "Unassigned": ["Cn"],
    ]

    private static let binaryNames: [String: String] = [
        "Alphabetic": "Alphabetic", "Alpha": "Alphabetic", "White_Space": "White_Space", "space": "White_Space",
        "Uppercase": "Uppercase", "Upper": "Uppercase", "Lowercase": "Lowercase", "Lower": "Lowercase",
        "ASCII": "ASCII", "Any": "Any", "Assigned": "Assigned", "ID_Start": "ID_Start", "IDS": "ID_Start",
        "ID_Continue": "ID_Continue", "IDC": "ID_Continue", "Emoji": "Emoji", "Emoji_Presentation": "Emoji_Presentation", "EPres": "Emoji_Presentation",
        "Math": "Math", "Dash": "Dash", "Hex_Digit": "Hex_Digit", "Hex": "Hex_Digit", "ASCII_Hex_Digit": "ASCII_Hex_Digit", "AHex": "ASCII_Hex_Digit",
        "Ideographic": "Ideographic", "Ideo": "Ideographic", "Diacritic": "Diacritic", "Dia": "Diacritic", "Extender": "Extender", "Ext": "Extender",
        "Noncharacter_Code_Point": "Noncharacter_Code_Point", "NChar": "Noncharacter_Code_Point",
        "Default_Ignorable_Code_Point": "Default_Ignorable_Code_Point", "DI": "Default_Ignorable_Code_Point",
    ]

    init?(_ text: String) {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        if parts.count == 2 {
            guard parts[0] == "General_Category" || parts[0] == "gc", let codes = UnicodeProperty.categoryNames[parts[1]] else { return nil }
            self = .category(Set(codes))
        } else if let codes = UnicodeProperty.categoryNames[text] {
            self = .category(Set(codes))
        } else if let name = UnicodeProperty.binaryNames[text] {
            self = .binary(name)
        } else {
            return nil
        }
    }

    func contains(_ c: UInt32) -> Bool {
        guard let scalar = Unicode.Scalar(c) else {
            // Lone surrogates only reach here in Unicode mode from broken pairs.
            if case .category(let codes) = self { return codes.contains("Cs") }
            if case .binary(let name) = self { return name == "Any" }
            return false
        }
        let p = scalar.properties
        switch self {
        case .category(let codes): return codes.contains(UnicodeProperty.code(p.generalCategory))
        case .binary(let name):
            switch name {
            case "Alphabetic": return p.isAlphabetic
            case "White_Space": return p.isWhitespace
            case "Uppercase": return p.isUppercase
            case "Lowercase": return p.isLowercase
            case "ASCII": return c < 0x80
            case "Any": return true
            case "Assigned": return p.generalCategory != .unassigned
            case "ID_Start": return p.isIDStart
            case "ID_Continue": return p.isIDContinue
            case "Emoji": return p.isEmoji
            case "Emoji_Presentation": return p.isEmojiPresentation
            case "Math": return p.isMath
            case "Dash": return p.isDash
            case "Hex_Digit": return p.isHexDigit
            case "ASCII_Hex_Digit": return p.isASCIIHexDigit
            case "Ideographic": return p.isIdeographic
            case "Diacritic": return p.isDiacritic
            case "Extender": return p.isExtender
            case "Noncharacter_Code_Point": return p.isNoncharacterCodePoint
            case "Default_Ignorable_Code_Point": return p.isDefaultIgnorableCodePoint
            default: return false
            }
        }
    }

    private static func code(_ category: Unicode.GeneralCategory) -> String {
        switch category {
        case .uppercaseLetter: "Lu"
        case .lowercaseLetter: "Ll"
        case .titlecaseLetter: "Lt"
        case .modifierLetter: "Lm"
        case .otherLetter: "Lo"
        case .nonspacingMark: "Mn"
        case .spacingMark: "Mc"
        case .enclosingMark: "Me"
        case .decimalNumber: "Nd"
        case .letterNumber: "Nl"
        case .otherNumber: "No"
        case .connectorPunctuation: "Pc"
        case .dashPunctuation: "Pd"
        case .openPunctuation: "Ps"
        case .closePunctuation: "Pe"
        case .initialPunctuation: "Pi"
        case .finalPunctuation: "Pf"
        case .otherPunctuation: "Po"
        case .mathSymbol: "Sm"
        case .currencySymbol: "Sc"
        case .modifierSymbol: "Sk"
        case .otherSymbol: "So"
        case .spaceSeparator: "Zs"
        case .lineSeparator: "Zl"
        case .paragraphSeparator: "Zp"
        case .control: "Cc"
        case .format: "Cf"
        case .surrogate: "Cs"
        case .privateUse: "Co"
        case .unassigned: "Cn"
        @unknown default: "Cn"
        }
    }
}

extension RegexSet {
    /// Whether `c` is in the class, honouring `i` the way ECMAScript's CharacterSetMatcher does.
    func matches(_ c: UInt32, ignoreCase: Bool, unicode: Bool) -> Bool {
        var hit = contains(c, unicodeIgnoreCase: ignoreCase && unicode)
        if !hit && ignoreCase {
            let key = RegexCharacters.canonical(c, unicode: unicode)
            for candidate in RegexCharacters.caseVariants(c, unicode: unicode)
            where candidate != c && RegexCharacters.canonical(candidate, unicode: unicode) == key && contains(candidate, unicodeIgnoreCase: unicode) {
                hit = true
                break
            }
        }
        return hit != negated
    }

    private func contains(_ c: UInt32, unicodeIgnoreCase: Bool) -> Bool {
        for range in ranges where range.contains(c) { return true }
        for escape in escapes {
            switch escape {
            case .digit(let negated): if RegexParser.isDigit(c) != negated { return true }
            case .space(let negated): if RegexCharacters.isSpace(c) != negated { return true }
            case .word(let negated): if RegexCharacters.isWord(c, unicodeIgnoreCase: unicodeIgnoreCase) != negated { return true }
            case .property(let property, let negated): if property.contains(c) != negated { return true }
            }
        }
        return false
    }
}
