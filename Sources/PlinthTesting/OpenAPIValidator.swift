import Foundation

/// Checks an OpenAPI document with PyPI's `openapi-spec-validator` (which `scripts/test`
/// installs), an oracle independent of the OpenAPIKit the kernel builds with.
public enum OpenAPIValidator {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// - Throws: ``Failure`` with the validator's message when the document is not valid
    ///   OpenAPI 3.1, or when python3 or the validator is missing.
    public static func check(_ document: Data) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
            import json, sys
            from openapi_spec_validator import validate
            from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
            document = json.load(sys.stdin)
            if document.get("openapi") != "3.1.0":
                sys.exit("not OpenAPI 3.1.0: " + str(document.get("openapi")))
            try:
                validate(document)
            except OpenAPIValidationError as error:
                sys.exit(str(error)[:2000])
            """]
        let input = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(document)
        try input.fileHandleForWriting.close()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "openapi-spec-validator: " + String(decoding: message, as: UTF8.self))
        }
    }
}
