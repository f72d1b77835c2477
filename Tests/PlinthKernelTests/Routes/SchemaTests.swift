import Foundation
import PlinthKernel
import Testing

/// Schemas derived from Swift types, checked against JSON values, and read back from JSON
/// Schema text: all without I/O.
@Suite struct SchemaTests {
    enum Colour: String, Codable, SchemaEnum { case red, green }

    struct Inner: Codable { var label: String }

    struct Everything: Codable {
        var name: String
        var count: Int
        var ratio: Double?
        var flag: Bool
        var colour: Colour
        var when: Date
        var id: UUID?
        var link: URL?
        var tags: [String]
        var inner: Inner
        var inners: [Inner]?
        var scores: [String: Int]
        var any: JSONValue?
    }

    @Test func aDecodableTypeDescribesItsMembersTypesAndWhichAreRequired() throws {
        let schema = try Schema.of(Everything.self)
        #expect(schema.type == .object)
        #expect(schema.additionalProperties == false)
        #expect(schema.properties.map(\.name) == ["name", "count", "ratio", "flag", "colour", "when", "id", "link", "tags", "inner", "inners", "scores", "any"])
        #expect(Set(schema.properties.filter(\.required).map(\.name)) == ["name", "count", "flag", "colour", "when", "tags", "inner", "scores"])
        #expect(schema["count"]?.type == .integer)
        #expect(schema["ratio"]?.type == .number)
        #expect(schema["colour"]?.allowed == ["red", "green"])
        #expect(schema["when"]?.format == "date-time")
        #expect(schema["id"]?.format == "uuid")
        #expect(schema["link"]?.format == "uri")
        #expect(schema["tags"]?.items?.type == .string)
        #expect(schema["inner"]?["label"]?.type == .string)
        #expect(schema["inners"]?.items?["label"]?.type == .string)
        #expect(schema["scores"]?.values?.type == .integer)
        #expect(schema["any"]?.type == nil)
    }

    @Test func validationNamesEveryBrokenPlaceByItsPointer() throws {
        var schema = try Schema.of(Everything.self)
        schema["name"]?.length(1...3)
        let value = try JSONValue.parse(Data(#"""
            {"name": "toolong", "count": 1.5, "flag": null, "colour": "blue", "when": "2026-02-30T00:00:00Z",
             "tags": ["a", 2], "inner": {}, "scores": {"a/b": "x"}, "id": "nope", "unknown~": true}
            """#.utf8))
        let errors = Dictionary(schema.validate(value).map { ($0.pointer!, $0.detail) }, uniquingKeysWith: { a, _ in a })
        #expect(errors["/name"] == "must be at most 3 characters")
        #expect(errors["/count"] == "must be an integer, not a number")
        #expect(errors["/flag"] == "must not be null; leave it out instead")
        #expect(errors["/colour"] == "must be one of: red, green")
        #expect(errors["/when"]?.hasPrefix("must be an RFC 3339 date-time") == true)
        #expect(errors["/tags/1"] == "must be a string, not an integer")
        #expect(errors["/inner/label"] == "is required")
        #expect(errors["/scores/a~1b"] == "must be an integer, not a string")
        #expect(errors["/id"] == "must be a UUID")
        #expect(errors["/unknown~0"] == "is not a known member")
        #expect(errors.count == 10)
    }

    @Test func rfc3339DateTimesParseWithFractionsAndOffsets() throws {
        let base = try #require(SchemaFormat.date(fromRFC3339: "2026-12-01T09:30:00Z")).timeIntervalSince1970
        #expect(SchemaFormat.date(fromRFC3339: "2026-12-01t11:30:00.5+02:00")?.timeIntervalSince1970 == base + 0.5)
        #expect(SchemaFormat.date(fromRFC3339: "2026-12-01 04:30:00-05:00")?.timeIntervalSince1970 == base)
        for bad in ["2026-12-01", "2026-12-01T09:30:00", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z", "2026-12-01T24:00:00Z", "2026-12-01T09:30:00.Z", "2026-12-01T09:30:00+0200"] {
            #expect(SchemaFormat.date(fromRFC3339: bad) == nil, "\(bad)")
        }
        #expect(SchemaFormat.date(fromRFC3339: "2024-02-29T00:00:00Z") != nil)
    }

    @Test func jsonSchemaTextRoundTripsAndBadSchemasAreNamed() throws {
        var schema = try Schema.of(Everything.self)
        schema["name"]?.length(1...3)
        schema["name"]?.pattern = "^[a-z]+$"
        let back = try Schema(json: schema.json)
        #expect(back.json == schema.json)
        #expect(try Schema(json: ["type": ["string", "null"]]).nullable)
        #expect(throws: SchemaError.self) { try Schema(json: ["type": "text"]) }
        #expect(throws: SchemaError.self) { try Schema(json: ["properties": ["a": ["minLength": -1]]]) }
        do {
            _ = try Schema(json: ["properties": ["a": ["pattern": "(unclosed"]]])
            Issue.record("a bad pattern was accepted")
        } catch let error as SchemaError {
            #expect(error.path == "#/properties/a/pattern")
        }
    }
}
