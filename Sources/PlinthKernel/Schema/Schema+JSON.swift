import Foundation
import OpenAPIKit

/// A schema as JSON Schema text, and back: the form `/openapi.json` carries and shared-object
/// plugins declare their bodies in.
extension Schema {
    /// The JSON Schema (2020-12, as OpenAPI 3.1 uses it).
    public var json: JSONValue {
        var out: [String: JSONValue] = extra
        if let type {
            out["type"] = nullable && type != .null ? [.string(type.rawValue), "null"] : .string(type.rawValue)
        }
        if let format { out["format"] = .string(format) }
        if let description { out["description"] = .string(description) }
        if var allowed {
            if nullable && !allowed.contains(.null) { allowed.append(.null) }
            out["enum"] = .array(allowed)
        }
        if !properties.isEmpty || type == .object && values == nil {
            out["properties"] = .object(Dictionary(uniqueKeysWithValues: properties.map { ($0.name, $0.schema.json) }))
            let required = properties.filter(\.required).map(\.name).sorted().map(JSONValue.string)
            if !required.isEmpty { out["required"] = .array(required) }
        }
        if let values { out["additionalProperties"] = values.json } else if let additionalProperties { out["additionalProperties"] = .bool(additionalProperties) }
        if let items { out["items"] = items.json }
        if let not { out["not"] = not.json }
        if let minLength { out["minLength"] = .number(Double(minLength)) }
        if let maxLength { out["maxLength"] = .number(Double(maxLength)) }
        if let minimum { out["minimum"] = .number(minimum) }
        if let maximum { out["maximum"] = .number(maximum) }
        if let minItems { out["minItems"] = .number(Double(minItems)) }
        if let maxItems { out["maxItems"] = .number(Double(maxItems)) }
        if let pattern { out["pattern"] = .string(pattern) }
        if let example { out["examples"] = [example] }
        return .object(out)
    }

    /// Reads JSON Schema. Keywords outside the subset the kernel checks are kept in ``extra``
    /// (documented, not checked).
    /// - Throws: ``SchemaError`` naming the keyword when the text is not a schema the kernel
    ///   can use (a `type` it does not know, `properties` that is not an object, …).
    public init(json: JSONValue, at path: String = "#") throws {
        guard case .object(var object) = json else {
            if case .bool(true) = json { self = .any; return }
            throw SchemaError(path: path, detail: "a schema must be a JSON object (or true)")
        }
        self.init()
        func take(_ key: String) -> JSONValue? { object.removeValue(forKey: key) }
        func integer(_ key: String) throws -> Int? {
            guard let value = take(key) else { return nil }
            guard case .number(let number) = value, number >= 0, number == number.rounded() else {
                throw SchemaError(path: path + "/" + key, detail: "must be a whole number of 0 or more")
            }
            return Int(number)
        }
        func number(_ key: String) throws -> Double? {
            guard let value = take(key) else { return nil }
            guard case .number(let number) = value else { throw SchemaError(path: path + "/" + key, detail: "must be a number") }
            return number
        }
        func string(_ key: String) throws -> String? {
            guard let value = take(key) else { return nil }
            guard case .string(let text) = value else { throw SchemaError(path: path + "/" + key, detail: "must be a string") }
            return text
        }
        switch take("type") {
        case nil: break
        case .string(let name)?:
            guard let kind = Kind(rawValue: name) else { throw SchemaError(path: path + "/type", detail: "unknown type '\(name)'; one of \(Kind.allCases.map(\.rawValue).joined(separator: ", "))") }
            type = kind
        case .array(let names)?:
            var kinds: [Kind] = []
            for case .string(let name) in names {
                guard let kind = Kind(rawValue: name) else { throw SchemaError(path: path + "/type", detail: "unknown type '\(name)'") }
                kinds.append(kind)
            }
            guard kinds.count == names.count, !kinds.isEmpty else { throw SchemaError(path: path + "/type", detail: "must list type names") }
            nullable = kinds.contains(.null)
            let others = kinds.filter { $0 != .null }
            if others.count == 1 { type = others[0] } else if others.isEmpty { type = .null } else { extra["type"] = .array(names) }
        default:
            throw SchemaError(path: path + "/type", detail: "must be a type name or a list of them")
        }
        format = try string("format")
        description = try string("description")
        if let allowed = take("enum") {
            guard case .array(let values) = allowed, !values.isEmpty else { throw SchemaError(path: path + "/enum", detail: "must be a non-empty array") }
            self.allowed = values.filter { $0 != .null }
            if values.contains(.null) { nullable = true }
        }
        var required: Set<String> = []
        if let list = take("required") {
            guard case .array(let names) = list else { throw SchemaError(path: path + "/required", detail: "must be an array of member names") }
            for name in names {
                guard case .string(let name) = name else { throw SchemaError(path: path + "/required", detail: "must be an array of member names") }
                required.insert(name)
            }
        }
        if let members = take("properties") {
            guard case .object(let members) = members else { throw SchemaError(path: path + "/properties", detail: "must be an object") }
            properties = try members.keys.sorted().map { name in
                Property(name, try Schema(json: members[name]!, at: path + "/properties/" + name), required: required.contains(name))
            }
        }
        for name in required.sorted() where !properties.contains(where: { $0.name == name }) {
            properties.append(Property(name, .any, required: true))
        }
        switch take("additionalProperties") {
        case nil: break
        case .bool(let allowed)?: additionalProperties = allowed
        case let schema?: values = try Schema(json: schema, at: path + "/additionalProperties")
        }
        if let items = take("items") { self.items = try Schema(json: items, at: path + "/items") }
        if let not = take("not") { self.not = try Schema(json: not, at: path + "/not") }
        minLength = try integer("minLength")
        maxLength = try integer("maxLength")
        minItems = try integer("minItems")
        maxItems = try integer("maxItems")
        minimum = try number("minimum")
        maximum = try number("maximum")
        pattern = try string("pattern")
        if let pattern, (try? Regex(pattern)) == nil {
            throw SchemaError(path: path + "/pattern", detail: "'\(pattern)' is not a regular expression")
        }
        if case .array(let examples)? = take("examples") { example = examples.first }
        if let single = take("example") { example = single }
        extra = object
    }
}

extension Schema {
    /// Reads JSON Schema text, such as a shared-object plugin declares.
    /// - Throws: ``SchemaError`` when the text is not JSON, not a schema the kernel can check
    ///   (``init(json:at:)``), or not one OpenAPIKit accepts as a JSON Schema.
    public static func parse(_ text: String) throws -> Schema {
        let data = Data(text.utf8)
        let json: JSONValue
        do { json = try JSONValue.parse(data) } catch { throw SchemaError(path: "#", detail: "is not JSON") }
        let schema = try Schema(json: json)
        do { _ = try JSONDecoder().decode(JSONSchema.self, from: data) } catch {
            throw SchemaError(path: "#", detail: "is not a JSON Schema: \(error)")
        }
        return schema
    }
}

/// Why a JSON Schema was refused, with the JSON pointer of the offending keyword.
public struct SchemaError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let detail: String
    public var description: String { "\(path): \(detail)" }
}
