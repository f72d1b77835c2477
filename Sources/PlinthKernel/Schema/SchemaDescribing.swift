/// A type that states its own schema instead of the one derived from its `Decodable`
/// conformance: to add bounds, formats and descriptions to the derived one, or to replace it
/// (a type with a custom `init(from:)` or `encode(to:)`).
///
/// ```swift
/// struct RegisterBody: Decodable, SchemaDescribing {
///     let email: String
///     let password: String
///     static var schema: Schema {
///         .derived(from: Self.self) {
///             $0["email"]?.format = "email"
///             $0["password"]?.length(8...128)
///         }
///     }
/// }
/// ```
public protocol SchemaDescribing {
    /// The type's JSON Schema. Read once, at start-up.
    static var schema: Schema { get }
}

/// A string enum documents its cases: conform to use it in a derived schema.
///
/// ```swift
/// enum Mode: String, Codable, CaseIterable, SchemaEnum { case bearer, cookie }
/// ```
public protocol SchemaEnum: CaseIterable, RawRepresentable, Decodable where RawValue == String {}

extension SchemaEnum {
    static var enumSchema: Schema { .oneOf(allCases.map(\.rawValue)) }
    static var sample: Self { allCases.first! }
}
