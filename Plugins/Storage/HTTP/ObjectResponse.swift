import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The answer to a download: the object's bytes streamed with its metadata, or a range of them.
enum ObjectResponse {
    static func make(_ object: BlobObject, ranged: Bool, headOnly: Bool = false) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = object.info.contentType ?? "application/octet-stream"
        headers[.acceptRanges] = "bytes"
        if let etag = object.info.etag { headers[.eTag] = etag }
        if let modified = object.info.lastModified { headers[.lastModified] = httpDate(modified) }
        // Uploaded files are served from the API's origin: never let a browser run them.
        headers[.xContentTypeOptions] = "nosniff"
        headers[.contentSecurityPolicy] = "default-src 'none'; sandbox"
        let length = object.range.map { $0.count } ?? 0
        var status = HTTPResponse.Status.ok
        if ranged, let range = object.range {
            status = .partialContent
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(object.info.size)"
        }
        headers[.contentLength] = String(length)
        if headOnly {
            return Response(status: status, headers: headers, body: ResponseBody())
        }
        let body = object.body
        return Response(status: status, headers: headers, body: ResponseBody(contentLength: length) { writer in
            let sink = WriterBox(writer)
            try await body.stream { chunk in try await sink.write(chunk) }
            let finished = sink.writer
            try await finished.finish(nil)
        })
    }

    static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }
}

/// Lets the body's `@Sendable` consumer write to the response writer. The body calls its
/// consumer strictly one chunk after another, so the writer is never used concurrently.
final class WriterBox: @unchecked Sendable {
    // Unchecked because ResponseBodyWriter is not Sendable; safety rests on the sequential
    // calls documented on BlobBody (each chunk is awaited before the next is read).
    var writer: any ResponseBodyWriter
    init(_ writer: any ResponseBodyWriter) { self.writer = writer }
    func write(_ chunk: ByteBuffer) async throws { try await writer.write(chunk) }
}
