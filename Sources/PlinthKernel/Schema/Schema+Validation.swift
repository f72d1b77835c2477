/// One reason a request was refused, as 422 answers list them in `errors`: `pointer` (RFC 6901)
/// for a place in the body, `parameter` for a query or path parameter.
public struct FieldError: Sendable, Hashable, Codable, CustomStringConvertible {
    public var pointer: String?
    public var parameter: String?
    public var detail: String

    public init(pointer: String, _ detail: String) {
        self.pointer = pointer
        self.detail = detail
    }

    public init(parameter: String, _ detail: String) {
        self.parameter = parameter
        self.detail = detail
    }

    public var description: String { "\(pointer.map { $0.isEmpty ? "the body" : $0 } ?? parameter ?? "?") \(detail)" }
}

extension Schema {
    /// Every way `value` breaks this schema, each at its JSON pointer (`""` is the whole value).
    /// Stops looking after `limit` errors, so a huge bad body cannot cost a huge answer.
    public func validate(_ value: JSONValue, at pointer: String = "", limit: Int = 50) -> [FieldError] {
        var errors: [FieldError] = []
        check(value, pointer, &errors, limit)
        return errors
    }

    private func check(_ value: JSONValue, _ pointer: String, _ errors: inout [FieldError], _ limit: Int) {
        guard errors.count < limit else { return }
        if case .null = value {
            if nullable || type == nil || type == .null || allowed?.contains(.null) == true { return }
            errors.append(FieldError(pointer: pointer, "must not be null; leave it out instead"))
            return
        }
        if let type, !Self.fits(value, type) {
                        // A string's format says what kind of string; an integer's size is noise here.
            let kind = type == .string ? format.map { " (\($0))" } ?? "" : ""
            errors.append(FieldError(pointer: pointer, "must be \(Self.article(type))\(kind), not \(Self.article(value.typeName))"))
            return
        }
        if let allowed, !allowed.contains(value) {
            let listed = allowed.map { if case .string(let s) = $0 { s } else { $0.text } }.joined(separator: ", ")
            errors.append(FieldError(pointer: pointer, "must be one of: \(listed)"))
            return
        }
        if let not, not.validate(value, limit: 1).isEmpty {
            errors.append(FieldError(pointer: pointer, not.description ?? "is not allowed here"))
            return
        }
        switch value {
        case .string(let text):
            let length = text.unicodeScalars.count
            if let minLength, length < minLength { errors.append(FieldError(pointer: pointer, minLength == 1 ? "must not be empty" : "must be at least \(minLength) characters")) }
            if let maxLength, length > maxLength { errors.append(FieldError(pointer: pointer, "must be at most \(maxLength) characters" + settingNote)) }
            if let format, let problem = SchemaFormat.problem(format, text) { errors.append(FieldError(pointer: pointer, problem)) }
            if let pattern, let regex = try? Regex(pattern), (try? regex.firstMatch(in: text)) == nil {
                errors.append(FieldError(pointer: pointer, "must match \(pattern)"))
            }
        case .number(let number):
            if let minimum, number < minimum { errors.append(FieldError(pointer: pointer, "must be at least \(Self.show(minimum))" + settingNote)) }
            if let maximum, number > maximum { errors.append(FieldError(pointer: pointer, "must be at most \(Self.show(maximum))" + settingNote)) }
            if format == "int32", !(Double(Int32.min)...Double(Int32.max)).contains(number) { errors.append(FieldError(pointer: pointer, "must fit in 32 bits")) }
            if type == .integer, !(-9.007199254740991e15...9.007199254740991e15).contains(number) { errors.append(FieldError(pointer: pointer, "is too large a whole number")) }
        case .array(let elements):
            if let minItems, elements.count < minItems { errors.append(FieldError(pointer: pointer, "must have at least \(minItems) items")) }
            if let maxItems, elements.count > maxItems { errors.append(FieldError(pointer: pointer, "must have at most \(maxItems) items" + settingNote)); return }
            if let items { for (index, element) in elements.enumerated() { items.check(element, pointer + "/\(index)", &errors, limit) } }
        case .object(let members):
            for property in properties {
                let at = pointer + "/" + Self.escape(property.name)
                if let member = members[property.name] {
                    property.schema.check(member, at, &errors, limit)
                } else if property.required {
                    errors.append(FieldError(pointer: at, "is required"))
                }
            }
            let known = Set(properties.map(\.name))
            for name in members.keys.sorted() where !known.contains(name) {
                if let values { values.check(members[name]!, pointer + "/" + Self.escape(name), &errors, limit) }
                else if additionalProperties == false { errors.append(FieldError(pointer: pointer + "/" + Self.escape(name), "is not a known member")) }
            }
        case .null, .bool:
            break
        }
    }

    /// ` (SETTING)` when a setting sets the bounds, so the caller knows what an operator can change.
    private var settingNote: String {
        if case .string(let name)? = extra["x-setting"] { return " (\(name))" }
        return ""
    }

    static func fits(_ value: JSONValue, _ type: Kind) -> Bool {
        switch (type, value) {
        case (.string, .string), (.boolean, .bool), (.number, .number), (.array, .array), (.object, .object), (.null, .null): true
        case (.integer, .number(let number)): number.isFinite && number == number.rounded()
        default: false
        }
    }

    /// RFC 6901: `~` and `/` in a member name.
    static func escape(_ name: String) -> String {
        name.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    static func article(_ type: Kind) -> String { article(type.rawValue) }
    static func article(_ name: String) -> String {
        (["a", "e", "i", "o", "u"].contains(name.prefix(1)) ? "an " : "a ") + name
    }

    static func show(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }
}
