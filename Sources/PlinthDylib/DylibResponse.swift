import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// A shared object's answer as it goes on the wire. The host owns the framing: a plugin's
/// `content-length`, `transfer-encoding` and `connection` are dropped (with a warning), header
/// names are case-insensitive and the last value set wins, and 1xx, 204, 304 and HEAD answers
/// carry no body.
enum DylibResponse {
    static let framing: Set<String> = ["content-length", "transfer-encoding", "connection", "keep-alive", "upgrade"]

    static func make(code: Int, headers raw: [(String, String)], body: [UInt8], method: HTTPRequest.Method, logger: Logger) -> Response {
        var headers = HTTPFields()
        for (name, value) in raw {
            guard let field = HTTPField.Name(name) else {
                logger.warning("plugin sent an invalid header name; dropped", metadata: ["header": "\(name)"])
                continue
            }
            if framing.contains(field.canonicalName) {
                logger.warning("plugin set a framing header, which the host sets itself; dropped", metadata: ["header": "\(field.canonicalName)"])
                continue
            }
            // The last one set wins, whatever its case (`Content-Type` then `content-type`), except
            // for cookies, of which an answer may set several.
            if field == .setCookie { headers.append(HTTPField(name: field, value: value)) } else { headers[field] = value }
        }
        let noBody = (100..<200).contains(code) || code == 204 || code == 304
        if noBody && !body.isEmpty {
            logger.warning("plugin sent a body with a status that has none; dropped", metadata: ["status": "\(code)", "bytes": "\(body.count)"])
        }
        if noBody { return Response(status: HTTPResponse.Status(code: code), headers: headers, body: ResponseBody()) }
        if method == .head {
            headers[.contentLength] = String(body.count)
            return Response(status: HTTPResponse.Status(code: code), headers: headers, body: ResponseBody())
        }
        return Response(status: HTTPResponse.Status(code: code), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
