import CPlinthABI
import Foundation
import PlinthKernel
import NIOCore
import PostgresNIO
import SQLiteKit

/// One column of a row as a plugin gets it (`row_column`): its type and its bytes, which are the
/// value's text form except for a BLOB.
///
/// - SQLite: INTEGER, REAL, TEXT, BLOB and NULL as stored.
/// - PostgreSQL (results arrive in binary): int2/int4/int8/oid → INTEGER; float4/float8 → REAL;
///   bytea → BLOB; every other type → TEXT in PostgreSQL's own text output (numeric keeps its
///   scale, `12.50`; bool `t`/`f`; uuid lower-case; arrays `{1,2}`), except times, which are ISO
///   8601 (`2026-12-02T15:30:00.25Z`, intervals `P1Y2M3DT4H5M6S`). A type the host cannot show as
///   text (a geometric or network type, a range) arrives as a BLOB of PostgreSQL's binary form:
///   cast it in the query (`col::text`) to get its text.
///
/// Decoded through SQLKit with the drivers' own hooks, so that no value goes through a guess
/// (the first version tried Int64, Double and String in turn and lost what fit none).
struct ColumnValue: Decodable, PostgresDecodable, SQLiteDataConvertible {
    var type: plinth_value_type
    var bytes: [UInt8]

    init(_ type: plinth_value_type, _ bytes: [UInt8]) {
        self.type = type
        self.bytes = bytes
    }

    init(_ type: plinth_value_type, _ text: String) {
        self.init(type, Array(text.utf8))
    }

    init(from decoder: any Decoder) throws {
        throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a column is read through its driver"))
    }

    // MARK: SQLite

    init?(sqliteData: SQLiteData) {
        switch sqliteData {
        case .integer(let value): self.init(PLINTH_INTEGER, String(value))
        case .float(let value): self.init(PLINTH_REAL, Self.real(value))
        case .text(let text): self.init(PLINTH_TEXT, text)
        case .blob(let buffer): self.init(PLINTH_BLOB, Array(buffer: buffer))
        case .null: self.init(PLINTH_NULL, [])
        }
    }

    var sqliteData: SQLiteData? { nil }

    // MARK: PostgreSQL

    init<JSONDecoder: PostgresJSONDecoder>(from buffer: inout ByteBuffer, type: PostgresDataType, format: PostgresFormat, context: PostgresDecodingContext<JSONDecoder>) throws {
        let raw = Array(buffer: buffer)
        if format == .text {
            self.init(Self.integerTypes.contains(type) ? PLINTH_INTEGER : [.float4, .float8].contains(type) ? PLINTH_REAL : PLINTH_TEXT, raw)
            return
        }
        self = Self.binary(type, buffer) ?? ColumnValue(PLINTH_BLOB, raw)
    }

    static let integerTypes: Set<PostgresDataType> = [.int2, .int4, .int8, .oid]

    /// A binary value's text form, or nil for a type shown as a BLOB.
    static func binary(_ type: PostgresDataType, _ value: ByteBuffer) -> ColumnValue? {
        var buffer = value
        switch type {
        case .int2: return buffer.readInteger(as: Int16.self).map { ColumnValue(PLINTH_INTEGER, String($0)) }
        case .int4: return buffer.readInteger(as: Int32.self).map { ColumnValue(PLINTH_INTEGER, String($0)) }
        case .int8: return buffer.readInteger(as: Int64.self).map { ColumnValue(PLINTH_INTEGER, String($0)) }
        case .oid: return buffer.readInteger(as: UInt32.self).map { ColumnValue(PLINTH_INTEGER, String($0)) }
        case .float4: return buffer.readInteger(as: UInt32.self).map { ColumnValue(PLINTH_REAL, real(Double(Float(bitPattern: $0)))) }
        case .float8: return buffer.readInteger(as: UInt64.self).map { ColumnValue(PLINTH_REAL, real(Double(bitPattern: $0))) }
        case .bytea: return ColumnValue(PLINTH_BLOB, Array(buffer: buffer))
        default: return text(type, buffer).map { ColumnValue(PLINTH_TEXT, $0) }
        }
    }

    /// PostgreSQL's text output for a binary value (ISO 8601 for times), or nil.
    static func text(_ type: PostgresDataType, _ value: ByteBuffer) -> String? {
        var buffer = value
        switch type {
        case .text, .varchar, .bpchar, .name, .json, .xml, .char:
            return buffer.readString(length: buffer.readableBytes)
        case .jsonb:
            guard buffer.readInteger(as: UInt8.self) == 1 else { return nil }
            return buffer.readString(length: buffer.readableBytes)
        case .bool:
            return buffer.readInteger(as: UInt8.self).map { $0 == 0 ? "f" : "t" }
        case .int2, .int4, .int8, .oid, .float4, .float8:
            return binary(type, value).map { String(decoding: $0.bytes, as: UTF8.self) }
        case .uuid:
            guard let bytes = buffer.readBytes(length: 16) else { return nil }
            let hex = bytes.hexString
            let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { range in
                String(hex[hex.index(hex.startIndex, offsetBy: range.lowerBound)..<hex.index(hex.startIndex, offsetBy: range.upperBound)])
            }
            return parts.joined(separator: "-")
        case .numeric:
            return numeric(&buffer)
        case .date:
            return buffer.readInteger(as: Int32.self).map { date(days: Int64($0)) }
        case .time:
            return buffer.readInteger(as: Int64.self).map { clock(microseconds: $0) }
        case .timetz:
            guard let time = buffer.readInteger(as: Int64.self), let west = buffer.readInteger(as: Int32.self) else { return nil }
            return clock(microseconds: time) + zone(eastSeconds: -Int(west))
        case .timestamp, .timestamptz:
            guard let micros = buffer.readInteger(as: Int64.self) else { return nil }
            if micros == .max { return "infinity" }
            if micros == .min { return "-infinity" }
            let (days, rest) = floorDivision(micros, 86_400_000_000)
            return date(days: days) + "T" + clock(microseconds: rest) + (type == .timestamptz ? "Z" : "")
        case .interval:
            guard let micros = buffer.readInteger(as: Int64.self), let days = buffer.readInteger(as: Int32.self), let months = buffer.readInteger(as: Int32.self) else { return nil }
            return interval(months: Int(months), days: Int(days), microseconds: micros)
        default:
            return array(type, &buffer)
        }
    }

    /// A real as PostgreSQL prints one: the shortest text that reads back exactly.
    static func real(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        return "\(value)"
    }

    /// `numeric` in its own scale: sign, base-10000 digits, weight of the first, digits after the point.
    static func numeric(_ buffer: inout ByteBuffer) -> String? {
        guard let count = buffer.readInteger(as: Int16.self), let weight = buffer.readInteger(as: Int16.self),
              let sign = buffer.readInteger(as: UInt16.self), let scale = buffer.readInteger(as: Int16.self) else { return nil }
        switch sign {
        case 0xC000: return "NaN"
        case 0xD000: return "Infinity"
        case 0xF000: return "-Infinity"
        default: break
        }
        var digits: [Int16] = []
        for _ in 0..<max(0, Int(count)) {
            guard let digit = buffer.readInteger(as: Int16.self) else { return nil }
            digits.append(digit)
        }
        func digit(_ index: Int) -> Int16 { index >= 0 && index < digits.count ? digits[index] : 0 }
        var integer = ""
        if weight < 0 {
            integer = "0"
        } else {
            for index in 0...Int(weight) {
                let text = String(digit(index))
                integer += index == 0 ? text : String(repeating: "0", count: 4 - text.count) + text
            }
        }
        var fraction = ""
        var index = Int(weight) + 1
        while fraction.count < Int(scale) {
            let text = String(digit(index))
            fraction += String(repeating: "0", count: 4 - text.count) + text
            index += 1
        }
        fraction = String(fraction.prefix(Int(scale)))
        let negative = sign == 0x4000 && (digits.contains { $0 != 0 })
        return (negative ? "-" : "") + integer + (scale > 0 ? "." + fraction : "")
    }

    static func floorDivision(_ value: Int64, _ by: Int64) -> (Int64, Int64) {
        let quotient = value / by, remainder = value % by
        return remainder < 0 ? (quotient - 1, remainder + by) : (quotient, remainder)
    }

    /// `YYYY-MM-DD` for `days` since 2000-01-01 (proleptic Gregorian, as PostgreSQL counts).
    static func date(days: Int64) -> String {
        // Civil from days (H. Hinnant's algorithm), from 1970-01-01.
        let z = days + 10_957 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        if year <= 0 { return String(format: "%04lld-%02lld-%02lld BC", 1 - year, month, day) }
        return String(format: "%04lld-%02lld-%02lld", year, month, day)
    }

    /// `HH:MM:SS` and the fraction PostgreSQL shows (trailing zeros dropped).
    static func clock(microseconds: Int64) -> String {
        let seconds = microseconds / 1_000_000, fraction = microseconds % 1_000_000
        let text = String(format: "%02lld:%02lld:%02lld", seconds / 3600, seconds / 60 % 60, seconds % 60)
        return text + fractionText(fraction)
    }

    static func fractionText(_ microseconds: Int64) -> String {
        guard microseconds != 0 else { return "" }
        var digits = String(format: "%06lld", abs(microseconds))
        while digits.hasSuffix("0") { digits.removeLast() }
        return "." + digits
    }

    static func zone(eastSeconds: Int) -> String {
        let sign = eastSeconds < 0 ? "-" : "+", value = abs(eastSeconds)
        let text = String(format: "%@%02d:%02d", sign, value / 3600, value / 60 % 60)
        return value % 60 == 0 ? text : text + String(format: ":%02d", value % 60)
    }

    /// ISO 8601 as PostgreSQL's `intervalstyle = iso_8601` prints it: `P1Y2M3DT4H5M6.5S`, `PT0S`.
    static func interval(months: Int, days: Int, microseconds: Int64) -> String {
        if months == 0 && days == 0 && microseconds == 0 { return "PT0S" }
        var text = "P"
        if months / 12 != 0 { text += "\(months / 12)Y" }
        if months % 12 != 0 { text += "\(months % 12)M" }
        if days != 0 { text += "\(days)D" }
        if microseconds != 0 {
            text += "T"
            let hours = microseconds / 3_600_000_000, minutes = microseconds / 60_000_000 % 60
            let seconds = microseconds / 1_000_000 % 60, fraction = microseconds % 1_000_000
            if hours != 0 { text += "\(hours)H" }
            if minutes != 0 { text += "\(minutes)M" }
            if seconds != 0 || fraction != 0 {
                text += (seconds == 0 && fraction < 0 ? "-0" : "\(seconds)") + fractionText(fraction) + "S"
            }
        }
        return text
    }

    /// A one- or more-dimensional array in PostgreSQL's text output, `{1,2}`, `{{a,"b c"},{NULL,d}}`,
    /// when its element type is one shown as text; nil otherwise.
    static func array(_ type: PostgresDataType, _ buffer: inout ByteBuffer) -> String? {
        guard let element = elementTypes[type] else { return nil }
        guard let dimensions = buffer.readInteger(as: Int32.self), buffer.readInteger(as: Int32.self) != nil,
              let oid = buffer.readInteger(as: UInt32.self), oid == element.rawValue, (0...6).contains(dimensions) else { return nil }
        if dimensions == 0 { return "{}" }
        var lengths: [Int] = []
        for _ in 0..<dimensions {
            guard let length = buffer.readInteger(as: Int32.self), buffer.readInteger(as: Int32.self) != nil else { return nil }
            lengths.append(Int(length))
        }
        var items: [String] = []
        for _ in 0..<lengths.reduce(1, *) {
            guard let length = buffer.readInteger(as: Int32.self) else { return nil }
            if length < 0 { items.append("NULL"); continue }
            guard let slice = buffer.readSlice(length: Int(length)), let text = text(element, slice) else { return nil }
            items.append(quoted(text))
        }
        func nest(_ level: Int, _ items: ArraySlice<String>) -> String {
            guard level < lengths.count - 1 else { return "{" + items.joined(separator: ",") + "}" }
            let size = items.count / lengths[level]
            return "{" + (0..<lengths[level]).map { part in
                nest(level + 1, items[(items.startIndex + part * size)..<(items.startIndex + (part + 1) * size)])
            }.joined(separator: ",") + "}"
        }
        return nest(0, items[...])
    }

    /// An array element as PostgreSQL quotes one: when empty, `NULL`, or holding a delimiter,
    /// brace, quote, backslash or space.
    static func quoted(_ text: String) -> String {
        let special = text.isEmpty || text.uppercased() == "NULL" || text.contains { "{},\"\\ \t\n\r".contains($0) }
        guard special else { return text }
        return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static let elementTypes: [PostgresDataType: PostgresDataType] = [
        .int2Array: .int2, .int4Array: .int4, .int8Array: .int8, .float4Array: .float4, .float8Array: .float8,
        .textArray: .text, .varcharArray: .varchar, .boolArray: .bool, .uuidArray: .uuid, .numericArray: .numeric,
        .dateArray: .date, .timestampArray: .timestamp, .timestamptzArray: .timestamptz, .jsonbArray: .jsonb,
    ]
}
