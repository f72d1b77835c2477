/// A JSON Schema (the 2020-12 subset OpenAPI 3.1 uses) for a request body, a query parameter
/// or a response. The kernel validates request bodies against it before a handler runs and
/// writes it into `/openapi.json`.
///
/// Most schemas are derived from a type's `Decodable` conformance (``Schema/derived(from:refine:)``);
/// a type refines or replaces that one by conforming to ``SchemaDescribing``.
///
/// ```swift
/// extension CreateBody: SchemaDescribing {
///     static var schema: Schema {
///         .derived(from: Self.self) { $0["name"]?.length(1...100) }
///     }
/// }
/// ```
public struct Schema: Sendable, Equatable {
    /// JSON Schema's `type`; `nil` accepts any JSON value.
    public var type: Kind?
    /// `format`: `uuid`, `date-time`, `date`, `email`, `uri`, `binary`, `int64`, … Those the
    /// kernel checks are listed in ``SchemaFormat``; others are documentation only.
    public var format: String?
    public var description: String?
    /// `enum`: the values allowed.
    public var allowed: [JSONValue]?
    /// Object members, in the order they are documented.
    public var properties: [Property] = []
    /// Whether an object may carry members not in ``properties``; `nil` leaves it unstated
    /// (allowed). Request bodies derived by the kernel refuse unknown members (`false`).
    public var additionalProperties: Bool?
    public var minLength: Int?
    public var maxLength: Int?
    public var minimum: Double?
    public var maximum: Double?
    public var minItems: Int?
    public var maxItems: Int?
    /// An ECMA-262 regular expression a string must match.
    public var pattern: String?
    /// Whether `null` is allowed besides ``type``. Default `false`: an optional member is one
    /// that may be left out, not one that may be `null`.
    public var nullable = false
    public var example: JSONValue?
    /// Keywords the kernel does not interpret (`oneOf`, `$ref` into components, …): written into
    /// the document as they are, not checked on requests.
    public var extra: [String: JSONValue] = [:]
    // Arrays stand in for boxes: a struct cannot hold itself directly.
    private var itemsBox: [Schema] = []
    private var valuesBox: [Schema] = []
    private var notBox: [Schema] = []

    public enum Kind: String, Sendable, CaseIterable {
        case string, integer, number, boolean, object, array, null
    }

    /// An object member.
    public struct Property: Sendable, Equatable {
        public var name: String
        public var schema: Schema
        public var required: Bool

        public init(_ name: String, _ schema: Schema, required: Bool = true) {
            self.name = name
            self.schema = schema
            self.required = required
        }
    }

    public init(type: Kind? = nil, format: String? = nil, description: String? = nil) {
        self.type = type
        self.format = format
        self.description = description
    }

    /// Any JSON value.
    public static let any = Schema()
    public static let string = Schema(type: .string)
    public static let integer = Schema(type: .integer, format: "int64")
    public static let number = Schema(type: .number)
    public static let boolean = Schema(type: .boolean)
    public static let uuid = Schema(type: .string, format: "uuid")
    public static let dateTime = Schema(type: .string, format: "date-time")
    public static let email = Schema(type: .string, format: "email")
    public static let uri = Schema(type: .string, format: "uri")
    /// Raw bytes (an upload or download body).
    public static let binary = Schema(type: .string, format: "binary")

    /// A string that is one of `values`.
    public static func oneOf(_ values: [String]) -> Schema {
        var schema = Schema.string
        schema.allowed = values.map(JSONValue.string)
        return schema
    }

    /// An array of `items`.
    public static func array(of items: Schema) -> Schema {
        var schema = Schema(type: .array)
        schema.items = items
        return schema
    }

    /// An object with `properties`; `closed` refuses other members.
    public static func object(_ properties: [Property], closed: Bool? = nil) -> Schema {
        var schema = Schema(type: .object)
        schema.properties = properties
        schema.additionalProperties = closed.map { !$0 }
        return schema
    }

    /// An object whose members are all `values` (a dictionary).
    public static func map(of values: Schema) -> Schema {
        var schema = Schema(type: .object)
        schema.values = values
        return schema
    }

    /// The schema of array elements.
    public var items: Schema? {
        get { itemsBox.first }
        set { itemsBox = newValue.map { [$0] } ?? [] }
    }

    /// The schema every member of a dictionary-like object has (`additionalProperties: {…}`).
    public var values: Schema? {
        get { valuesBox.first }
        set { valuesBox = newValue.map { [$0] } ?? [] }
    }

    /// `not`: a value matching this schema is refused; its ``description`` is the reason given
    /// (`"is a commonly used password"`).
    public var not: Schema? {
        get { notBox.first }
        set { notBox = newValue.map { [$0] } ?? [] }
    }

    /// The member called `name`; setting `nil` removes it.
    public subscript(name: String) -> Schema? {
        get { properties.first { $0.name == name }?.schema }
        set {
            guard let index = properties.firstIndex(where: { $0.name == name }) else {
                if let newValue { properties.append(Property(name, newValue)) }
                return
            }
            if let newValue { properties[index].schema = newValue } else { properties.remove(at: index) }
        }
    }

    /// Marks member `name` optional (or required).
    public mutating func setRequired(_ name: String, _ required: Bool) {
        if let index = properties.firstIndex(where: { $0.name == name }) { properties[index].required = required }
    }

    /// Bounds the length of a string (characters) or the count of an array (elements).
    public mutating func length(_ range: ClosedRange<Int>) {
        if type == .array { (minItems, maxItems) = (range.lowerBound, range.upperBound) } else { (minLength, maxLength) = (range.lowerBound, range.upperBound) }
    }

    /// Bounds a number.
    public mutating func range(_ range: ClosedRange<Double>) {
        (minimum, maximum) = (range.lowerBound, range.upperBound)
    }

    /// A copy that ignores members it does not declare, at every level (the derived default
    /// refuses them): for bodies that newer clients may send more in.
    public func allowingUnknownMembers() -> Schema {
        var copy = self
        if copy.type == .object && copy.values == nil { copy.additionalProperties = nil }
        copy.properties = copy.properties.map { Property($0.name, $0.schema.allowingUnknownMembers(), required: $0.required) }
        copy.items = copy.items?.allowingUnknownMembers()
        return copy
    }

    /// Names the setting that sets this value's bounds (`x-setting`): 422 answers name it.
    public mutating func boundedBy(setting name: String) {
        extra["x-setting"] = .string(name)
    }

    /// A copy with `description` set.
    public func described(_ text: String) -> Schema {
        var copy = self
        copy.description = text
        return copy
    }
}
