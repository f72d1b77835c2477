import HTTPTypes
import Hummingbird
import NIOCore
import PlinthKernel
import PlinthWorkscriptEngine

/// JSON answers built from workflow values, whose key order (upstream's) Foundation's encoder
/// would not keep.
enum ScriptResponse {
    static func json(_ value: ScriptValue, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: ScriptJSON.stringify(value) ?? "null")))
    }

    /// The body a route's schema already checked, with its key order.
    static func document(_ buffer: ByteBuffer?) throws -> ScriptValue {
        guard let buffer else { throw Problem.validation([FieldError(pointer: "", "a JSON body is required")]) }
        do { return try ScriptJSON.parse(Array(buffer.readableBytesView)) } catch {
            throw Problem(.badRequest, type: "invalid-json", detail: "the body is not valid JSON: \(error)")
        }
    }

    /// 422 with one entry per problem, each pointer under `prefix` (the member holding the
    /// document).
    static func invalid(_ issues: [WorkflowIssue], under prefix: String = "") -> Problem {
        var problem = Problem.validation(issues.map { FieldError(pointer: prefix + $0.pointer, $0.message) })
        problem.detail = "the workflow is not valid: \(issues.count) problem\(issues.count == 1 ? "" : "s")"
        return problem
    }
}
