import Foundation

extension Schema {
    /// The schema of `type`, read from its `Decodable` conformance: each member it decodes
    /// (required with `decode`, optional with `decodeIfPresent`), with the schema of its type.
    /// Objects derived this way refuse unknown members (`additionalProperties: false`).
    ///
    /// `String`, integers, `Double`, `Bool`, `Date` (`date-time`), `UUID` (`uuid`), `URL` (`uri`),
    /// `Data` (`byte`), arrays, sets, `[String: T]`, ``SchemaEnum``s and ``SchemaDescribing``
    /// members are understood; `refine` then adds what a type cannot say (bounds, formats).
    /// - Throws: ``SchemaError`` naming the type when it cannot be read this way (an enum that
    ///   is not a ``SchemaEnum``, an initialiser that refuses empty values): give it a
    ///   ``SchemaDescribing`` conformance.
    public static func derived<T: Decodable>(from type: T.Type, refine: (inout Schema) -> Void = { _ in }) -> Schema {
        var schema: Schema
        do { schema = try SchemaReader.read(type, top: true).schema } catch {
            // A start-up failure with the type's name beats a silently wrong contract.
            fatalError("cannot derive a schema for \(T.self): \(error); conform it to SchemaDescribing")
        }
        refine(&schema)
        return schema
    }

    /// The schema of `type`: its ``SchemaDescribing/schema``, or the derived one.
    public static func of<T: Decodable>(_ type: T.Type) throws -> Schema {
        try SchemaReader.read(type, top: false).schema
    }
}

/// Reads a type's schema by decoding it from a recorder that answers every request with a
/// placeholder and notes what was asked.
enum SchemaReader {
    static func read<T: Decodable>(_ type: T.Type, top: Bool, depth: Int = 0) throws -> (schema: Schema, value: T) {
        guard depth < 32 else { throw SchemaError(path: "\(T.self)", detail: "nests more than 32 levels (a recursive type?)") }
        if !top, let described = T.self as? any SchemaDescribing.Type {
            let value = try sample(T.self, depth: depth)
            return (described.schema, value)
        }
        if let primitive = primitive(T.self) { return primitive }
        if let enumType = T.self as? any SchemaEnum.Type {
            return (enumType.enumSchema, enumSample(enumType) as! T)
        }
        if let dictionary = T.self as? any StringKeyedDictionary.Type {
            let values = try dictionary.valueSchema(depth: depth + 1)
            return (.map(of: values), dictionary.empty as! T)
        }
        let recorder = SchemaRecorder(depth: depth)
        let value = try T(from: recorder)
        return (recorder.schema, value)
    }

    /// A value of `T` made from placeholders, for a member whose schema `T` states itself.
    static func sample<T: Decodable>(_ type: T.Type, depth: Int) throws -> T {
        if let primitive = primitive(T.self) { return primitive.value }
        if let enumType = T.self as? any SchemaEnum.Type { return enumSample(enumType) as! T }
        return try T(from: SchemaRecorder(depth: depth))
    }

    static func enumSample<E: SchemaEnum>(_ type: E.Type) -> Any { E.sample }

    static func primitive<T>(_ type: T.Type) -> (schema: Schema, value: T)? {
        func pair(_ schema: Schema, _ value: Any) -> (Schema, T) { (schema, value as! T) }
        switch type {
        case is String.Type: return pair(.string, "")
        case is Bool.Type: return pair(.boolean, false)
        // JSON numbers are doubles to most clients: whole numbers beyond 2^53 lose digits.
        case is Int.Type: return pair(safeInteger, 0)
        case is Int64.Type: return pair(safeInteger, Int64(0))
        case is Int32.Type: return pair(Schema(type: .integer, format: "int32"), Int32(0))
        case is Int16.Type: return pair(bounded(Int16.min, Int16.max), Int16(0))
        case is Int8.Type: return pair(bounded(Int8.min, Int8.max), Int8(0))
        case is UInt16.Type: return pair(bounded(UInt16.min, UInt16.max), UInt16(0))
        case is UInt8.Type: return pair(bounded(UInt8.min, UInt8.max), UInt8(0))
        case is UInt.Type: return pair(nonNegative(safeInteger), UInt(0))
        case is UInt64.Type: return pair(nonNegative(safeInteger), UInt64(0))
        case is UInt32.Type: return pair(nonNegative(Schema(type: .integer, format: "int64")), UInt32(0))
        case is Double.Type: return pair(.number, 0.0)
        case is Float.Type: return pair(Schema(type: .number, format: "float"), Float(0))
        case is Date.Type: return pair(.dateTime, Date(timeIntervalSince1970: 0))
        case is UUID.Type: return pair(.uuid, UUID())
        case is URL.Type: return pair(.uri, URL(string: "https://example.com")!)
        case is Data.Type: return pair(Schema(type: .string, format: "byte"), Data())
        case is JSONValue.Type: return pair(.any, JSONValue.null)
        default: return nil
        }
    }

    static let safeInteger: Schema = {
        var schema = Schema.integer
        (schema.minimum, schema.maximum) = (-9_007_199_254_740_991, 9_007_199_254_740_991)
        return schema
    }()

    static func bounded(_ low: some BinaryInteger, _ high: some BinaryInteger) -> Schema {
        var schema = Schema(type: .integer, format: "int32")
        (schema.minimum, schema.maximum) = (Double(low), Double(high))
        return schema
    }

    static func nonNegative(_ schema: Schema) -> Schema {
        var schema = schema
        schema.minimum = 0
        return schema
    }
}

/// `[String: Value]`, whose schema is a map of the value's schema.
protocol StringKeyedDictionary {
    static func valueSchema(depth: Int) throws -> Schema
    static var empty: Self { get }
}

extension Dictionary: StringKeyedDictionary where Key == String, Value: Decodable {
    static func valueSchema(depth: Int) throws -> Schema { try SchemaReader.read(Value.self, top: false, depth: depth).schema }
    static var empty: Self { [:] }
}

final class SchemaRecorder: Decoder {
    let depth: Int
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] = [:]
    var schema = Schema.any

    init(depth: Int) { self.depth = depth }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        schema = .object([], closed: true)
        return KeyedDecodingContainer(KeyedRecorder<Key>(recorder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        schema = Schema(type: .array)
        return UnkeyedRecorder(recorder: self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleRecorder(recorder: self)
    }

    func read<T: Decodable>(_ type: T.Type) throws -> (schema: Schema, value: T) {
        try SchemaReader.read(type, top: false, depth: depth + 1)
    }
}

struct KeyedRecorder<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let recorder: SchemaRecorder
    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { [] }

    func contains(_ key: Key) -> Bool { true }
    func decodeNil(forKey key: Key) throws -> Bool {
        note(key, .any, required: false)
        return false
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let (schema, value) = try recorder.read(type)
        note(key, schema, required: true)
        return value
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        note(key, try recorder.read(type).schema, required: false)
        return nil
    }

    // The concrete overloads the protocol asks for all go through the generic ones.
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decode(type, key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try decode(type, key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decode(type, key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decode(type, key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decode(type, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decode(type, key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decode(type, key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decode(type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decode(type, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decode(type, key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decode(type, key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decode(type, key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decode(type, key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decode(type, key) }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try optional(type, key) }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try optional(type, key) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try optional(type, key) }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try optional(type, key) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try optional(type, key) }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try optional(type, key) }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try optional(type, key) }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try optional(type, key) }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try optional(type, key) }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try optional(type, key) }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try optional(type, key) }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try optional(type, key) }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try optional(type, key) }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try optional(type, key) }

    private func decode<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T {
        let (schema, value) = try recorder.read(type)
        note(key, schema, required: true)
        return value
    }

    private func optional<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T? {
        note(key, try recorder.read(type).schema, required: false)
        return nil
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        throw SchemaError(path: key.stringValue, detail: "nested containers cannot be derived")
    }
    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw SchemaError(path: key.stringValue, detail: "nested containers cannot be derived")
    }
    func superDecoder() throws -> any Decoder { recorder }
    func superDecoder(forKey key: Key) throws -> any Decoder { recorder }

    private func note(_ key: Key, _ schema: Schema, required: Bool) {
        if let index = recorder.schema.properties.firstIndex(where: { $0.name == key.stringValue }) {
            recorder.schema.properties[index].required = recorder.schema.properties[index].required || required
        } else {
            recorder.schema.properties.append(Schema.Property(key.stringValue, schema, required: required))
        }
    }
}

/// Hands out one element, which is enough to learn the element type.
final class UnkeyedRecorder: UnkeyedDecodingContainer {
    let recorder: SchemaRecorder
    var codingPath: [any CodingKey] { [] }
    var count: Int? { nil }
    var currentIndex = 0
    var isAtEnd: Bool { currentIndex > 0 }

    init(recorder: SchemaRecorder) { self.recorder = recorder }

    func decodeNil() throws -> Bool { false }
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (schema, value) = try recorder.read(type)
        recorder.schema.items = schema
        currentIndex += 1
        return value
    }
    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        throw SchemaError(path: "[]", detail: "nested containers cannot be derived")
    }
    func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw SchemaError(path: "[]", detail: "nested containers cannot be derived")
    }
    func superDecoder() throws -> any Decoder { recorder }
}

struct SingleRecorder: SingleValueDecodingContainer {
    let recorder: SchemaRecorder
    var codingPath: [any CodingKey] { [] }

    func decodeNil() -> Bool {
        recorder.schema.nullable = true
        return false
    }
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (schema, value) = try recorder.read(type)
        let nullable = recorder.schema.nullable
        recorder.schema = schema
        recorder.schema.nullable = recorder.schema.nullable || nullable
        return value
    }
    func decode(_ type: String.Type) throws -> String {
        recorder.schema = .string
        return ""
    }
}
