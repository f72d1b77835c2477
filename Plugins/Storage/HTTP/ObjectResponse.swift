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
            // Bodies hand over what they have read ahead in batches: one write (and one flush) each.
            try await body.streamBatches { chunks in try await writer.write(contentsOf: chunks) }
            try await writer.finish(nil)
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
