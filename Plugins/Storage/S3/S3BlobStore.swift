import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import PlinthKernel

/// Objects in an S3 bucket (or an S3-compatible server), through our own SigV4 signer.
public struct S3BlobStore: BlobStore {
    public var driver: String { "s3" }
    let client: S3Client
    var settings: S3Settings { client.settings }

    init(client: S3Client) {
        self.client = client
    }

    public func beginUpload(_ key: BlobKey, contentType: String?, size: Int?) async throws -> any BlobUpload {
        S3Upload(client: client, key: key.storagePath, contentType: contentType, size: size)
    }

    public func get(_ key: BlobKey, range: ByteRange?) async throws -> BlobObject {
        var request: [(String, String)] = []
        if let range { request.append(("range", range.header)) }
        let response: (head: HTTPResponseHead, body: ReadAhead)
        do {
            response = try await client.download(key: key.storagePath, headers: request, accept: [200, 206])
        } catch BlobStoreError.backend(416, _, _) {
            let size = try await head(key)?.size ?? 0
            throw BlobStoreError.rangeNotSatisfiable(size: size)
        }
        let headers = response.head.headers
        let length = headers.first(name: "content-length").flatMap(Int.init) ?? 0
        var size = length
        var served: ClosedRange<Int>? = length > 0 ? 0...(length - 1) : nil
        if response.head.status == .partialContent, let contentRange = headers.first(name: "content-range") {
            // "bytes 0-99/1234"
            let parts = contentRange.dropFirst("bytes ".count).split(separator: "/")
            let bounds = parts.first?.split(separator: "-").compactMap { Int($0) } ?? []
            if bounds.count == 2 { served = bounds[0]...bounds[1] }
            if parts.count == 2, let total = Int(parts[1]) { size = total }
        }
        let info = BlobInfo(key: key.storagePath, size: size, contentType: headers.first(name: "content-type"),
                            etag: headers.first(name: "etag"), lastModified: headers.first(name: "last-modified").flatMap(S3Dates.http))
        return BlobObject(info: info, range: served, body: BlobBody(buffered: response.body))
    }

    public func head(_ key: BlobKey) async throws -> BlobInfo? {
        do {
            let response = try await client.send(.HEAD, key: key.storagePath)
            return BlobInfo(key: key.storagePath, size: response.headers.first(name: "content-length").flatMap(Int.init) ?? 0,
                            contentType: response.headers.first(name: "content-type"), etag: response.headers.first(name: "etag"),
                            lastModified: response.headers.first(name: "last-modified").flatMap(S3Dates.http))
        } catch BlobStoreError.notFound {
            return nil
        }
    }

    public func delete(_ key: BlobKey) async throws {
        _ = try await client.send(.DELETE, key: key.storagePath, accept: [200, 204])
    }

    public func delete(_ keys: [BlobKey]) async throws -> [BlobKey: String] {
        var failed: [BlobKey: String] = [:]
        var byPath: [String: BlobKey] = [:]
        for key in keys { byPath[key.storagePath] = key }
        // DeleteObjects takes at most 1000 keys per request.
        for start in stride(from: 0, to: keys.count, by: 1000) {
            let batch = keys[start..<min(keys.count, start + 1000)]
            let xml = "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>"
                + batch.map { "<Object><Key>\(S3XML.escape($0.storagePath))</Key></Object>" }.joined() + "</Delete>"
            let body = ByteBuffer(string: xml)
            let md5 = Data(Insecure.MD5.hash(data: Data(xml.utf8))).base64EncodedString()
            let response = try await client.send(.POST, key: nil, query: [("delete", "")], headers: [("content-md5", md5), ("content-type", "application/xml")], body: body)
            let text = String(buffer: try await response.body.collect(upTo: 4 << 20))
            for error in S3XML.blocks("Error", in: text) {
                guard let path = S3XML.first("Key", in: error), let key = byPath[path] else { continue }
                failed[key] = "\(S3XML.first("Code", in: error) ?? "Error"): \(S3XML.first("Message", in: error) ?? "")"
            }
        }
        return failed
    }

    public func list(prefix: String, cursor: String?, limit: Int) async throws -> BlobPage {
        var query: [(String, String)] = [("list-type", "2"), ("max-keys", String(limit)), ("prefix", prefix)]
        if let cursor { query.append(("continuation-token", cursor)) }
        let response = try await client.send(.GET, key: nil, query: query)
        let text = String(buffer: try await response.body.collect(upTo: 16 << 20))
        let items = S3XML.blocks("Contents", in: text).compactMap { block -> BlobInfo? in
            guard let key = S3XML.first("Key", in: block) else { return nil }
            return BlobInfo(key: key, size: S3XML.first("Size", in: block).flatMap(Int.init) ?? 0, contentType: nil,
                            etag: S3XML.first("ETag", in: block), lastModified: S3XML.first("LastModified", in: block).flatMap(S3Dates.iso))
        }
        let truncated = S3XML.first("IsTruncated", in: text) == "true"
        return BlobPage(items: items, nextCursor: truncated ? S3XML.first("NextContinuationToken", in: text) : nil)
    }

    public func copy(_ source: BlobKey, to destination: BlobKey) async throws -> BlobInfo {
        let sourcePath = "/" + settings.bucket + "/" + source.storagePath.split(separator: "/", omittingEmptySubsequences: false).map { SigV4Signer.encode(String($0)) }.joined(separator: "/")
        let response: HTTPClientResponse
        do {
            response = try await client.send(.PUT, key: destination.storagePath, headers: [("x-amz-copy-source", sourcePath)])
        } catch BlobStoreError.notFound {
            throw BlobStoreError.notFound(source.storagePath)
        }
        // S3 can answer 200 and put the failure in the body.
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        if let code = S3XML.first("Code", in: text) { throw BlobStoreError.backend(status: 200, code: code, message: S3XML.first("Message", in: text) ?? "") }
        guard let info = try await head(destination) else { throw BlobStoreError.notFound(destination.storagePath) }
        return info
    }

    public func presign(_ method: PresignMethod, _ key: BlobKey, expires: Int, contentType: String?) async throws -> PresignedURL {
        let location = settings.location(key.storagePath)
        var signed: [(String, String)] = []
        if method == .put, let contentType { signed.append(("content-type", contentType)) }
        let now = client.clock.now
        let url = client.signer.presignedURL(method: method.rawValue, host: location.host, path: location.path, expires: expires, date: now, scheme: location.scheme, headers: signed)
        return PresignedURL(url: url, method: method, expiresAt: now.addingTimeInterval(Double(expires)),
                            headers: Dictionary(uniqueKeysWithValues: signed.map { ($0.0 == "content-type" ? "Content-Type" : $0.0, $0.1) }))
    }
}

enum S3Dates {
    static func iso(_ text: String) -> Date? {
        (try? Date(text, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true)))
            ?? (try? Date(text, strategy: .iso8601))
    }

    static func http(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
