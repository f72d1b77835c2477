import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// How the kernel turns a request into a handler's typed input, per declaration.
enum RouteDecoding {
    /// `T`'s schema: its own (``SchemaDescribing``) or the derived one.
    static func schema<T: Decodable>(_ type: T.Type) -> Schema {
        do { return try Schema.of(T.self) } catch {
            // Declarations are built at start-up; a type that cannot be described is a bug in
            // the plugin, named here on the first run.
            fatalError("cannot derive a schema for \(T.self): \(error); conform it to SchemaDescribing or SchemaEnum")
        }
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = SchemaFormat.date(fromRFC3339: text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "must be an RFC 3339 date-time"))
            }
            return date
        }
        return decoder
    }

    /// Reads, checks and decodes a JSON body. Returns `nil` only for an empty body when it is
    /// not required.
    static func body<T: Decodable>(_ type: T.Type, schema: Schema, request: Request, context: PlinthRequestContext, required: Bool = true) async throws -> T? {
        guard let buffer = try await json(schema: schema, request: request, context: context, required: required) else { return nil }
        do { return try decoder.decode(T.self, from: Data(buffer.readableBytesView)) } catch let error as DecodingError {
            throw Problem.validation([error.fieldError])
        }
    }

    /// Reads a JSON body and checks it against `schema`: 415 unless sent as JSON, 400 unless it
    /// parses, 422 listing what breaks the schema. Returns the bytes as sent, or `nil` for an
    /// empty body that is not required.
    static func json(schema: Schema, request: Request, context: PlinthRequestContext, required: Bool) async throws -> ByteBuffer? {
        let contentType = request.headers[.contentType]
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        if buffer.readableBytes == 0 {
            if !required && (contentType == nil || JSONBodyDecoder.isJSON(contentType)) { return nil }
            throw Problem.validation([FieldError(pointer: "", "a JSON body is required")])
        }
        guard JSONBodyDecoder.isJSON(contentType) else {
            throw Problem(.unsupportedMediaType, type: "unsupported-media-type",
                          detail: "send the body as JSON with 'Content-Type: application/json' (got \(contentType.map { "'\($0)'" } ?? "no Content-Type"))")
        }
        let value: JSONValue
        do { value = try JSONValue.parse(Data(buffer.readableBytesView)) } catch {
            throw Problem(.badRequest, type: "invalid-json", detail: "the body is not valid JSON")
        }
        let errors = schema.validate(value)
        guard errors.isEmpty else { throw Problem.validation(errors) }
        return buffer
    }

    /// Reads the query parameters `schema` lists into `T`. Values are coerced to the
    /// parameter's type (`?limit=5` is the integer 5) and checked; errors name the parameter.
    static func query<T: Decodable>(_ type: T.Type, schema: Schema, request: Request) throws -> T {
        let parameters = request.uri.queryParameters
        var object: [String: JSONValue] = [:]
        var errors: [FieldError] = []
        for property in schema.properties {
            let values = parameters.getAll(property.name)
            guard let last = values.last else {
                if property.required { errors.append(FieldError(parameter: property.name, "is required")) }
                continue
            }
            let value: JSONValue = property.schema.type == .array
                ? .array(values.map { coerce(String($0), property.schema.items ?? .string) })
                : coerce(String(last), property.schema)
            for error in property.schema.validate(value, limit: 5) {
                errors.append(FieldError(parameter: property.name, error.detail))
            }
            object[property.name] = value
        }
        guard errors.isEmpty else { throw Problem.validation(errors, in: "query") }
        do { return try decoder.decode(T.self, from: JSONEncoder().encode(JSONValue.object(object))) } catch let error as DecodingError {
            throw Problem.validation([FieldError(parameter: error.fieldError.pointer?.split(separator: "/").first.map(String.init) ?? "query", error.fieldError.detail)], in: "query")
        }
    }

    /// A path parameter that cannot name anything: 404, before the handler looks.
    static func pathProblem(_ value: String, _ parameter: RouteParameter) -> Problem? {
        let errors = parameter.schema.validate(coerce(value, parameter.schema), limit: 1)
        guard let error = errors.first else { return nil }
        return Problem(.notFound, detail: "no such resource: {\(parameter.name)} \(error.detail)")
    }

    static func coerce(_ text: String, _ schema: Schema) -> JSONValue {
        switch schema.type {
        case .integer?, .number?:
            guard let number = Double(text), !text.hasPrefix("0x"), !text.hasPrefix("-0x") else { return .string(text) }
            return .number(number)
        case .boolean?:
            switch text {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: return .string(text)
            }
        default:
            return .string(text)
        }
    }
}

extension Problem {
    /// 422 `validation` listing `errors` (each a JSON pointer or a parameter, and a detail).
    public static func validation(_ errors: [FieldError], in part: String = "body") -> Problem {
        var problem = Problem(.unprocessableContent, type: "validation",
                              detail: errors.count == 1 ? "the \(part) is not valid: \(errors[0])" : "the \(part) is not valid: \(errors.count) problems")
        problem.errors = errors
        return problem
    }
}

extension DecodingError {
    /// Where and why, as a 422 lists it.
    var fieldError: FieldError {
        func pointer(_ path: [any CodingKey]) -> String {
            path.map { "/" + Schema.escape($0.intValue.map(String.init) ?? $0.stringValue) }.joined()
        }
        switch self {
        case .keyNotFound(let key, let context): return FieldError(pointer: pointer(context.codingPath + [key]), "is required")
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return FieldError(pointer: pointer(context.codingPath), "has the wrong type")
        case .dataCorrupted(let context): return FieldError(pointer: pointer(context.codingPath), context.debugDescription.hasPrefix("must") ? context.debugDescription : "is not valid")
        @unknown default: return FieldError(pointer: "", "does not match the expected shape")
        }
    }
}
