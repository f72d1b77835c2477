import Foundation
import Hummingbird
import MultipartKit
import NIOCore
import PlinthKernel

/// Streams the files of a `multipart/form-data` body into the store, part by part, without
/// holding a whole file: each file part's bytes are written as the parser yields them.
///
/// A file part's key is the value of a `key` field sent just before it (it names that one file),
/// else `prefix` (a field or the `prefix` query parameter) followed by the part's filename.
struct FormUpload {
    let store: any BlobStore
    let scope: BlobKey.Scope
    let limit: Int
    /// Parts that are not files (fields, and parts without a name) one form may have, as
    /// Django's `DATA_UPLOAD_MAX_NUMBER_FIELDS`: each costs parsing however small it is.
    static let maxFields = 1_000
    /// Bytes of all non-file parts together; only `key` and `prefix` are kept, the rest dropped.
    static let maxFieldBytes = 1 << 20
    /// The fields the upload reads; any other is counted and dropped.
    static let known: Set<String> = ["key", "prefix"]

    /// What the synchronous parser callbacks report, handled after each `execute`.
    enum Event {
        case header(String, String)
        case body(ByteBuffer)
        case end
    }

    final class Events {
        var list: [Event] = []
    }

    enum Part {
        case headers([String: String])
        case field(name: String, value: ByteBuffer)
        case file(BlobKey, any BlobUpload)
        case skipped
    }

    func run(_ request: Request, boundary: String, queryPrefix: String?) async throws -> [BlobInfo] {
        let parser = MultipartParser(boundary: boundary)
        let events = Events()
        parser.onHeader = { name, value in events.list.append(.header(name.lowercased(), value)) }
        parser.onBody = { buffer in events.list.append(.body(buffer)) }
        parser.onPartComplete = { events.list.append(.end) }

        var fields: [String: String] = [:]
        var part = Part.headers([:])
        var stored: [BlobInfo] = []
        var total = 0
        var fieldCount = 0
        var fieldBytes = 0
        do {
            for try await chunk in request.body {
                total += chunk.readableBytes
                guard total <= limit else { throw BlobStoreError.tooLarge(limit: limit) }
                do { try parser.execute(chunk) } catch {
                    throw Problem(.badRequest, type: "invalid-form", detail: "the multipart/form-data body is malformed")
                }
                for event in events.list {
                    switch (event, part) {
                    case (.header(let name, let value), .headers(var headers)):
                        headers[name] = value
                        part = .headers(headers)
                    case (.body(let bytes), .headers(let headers)):
                        part = try await open(headers, fields: &fields, queryPrefix: queryPrefix)
                        try Self.count(part, fields: &fieldCount)
                        try Self.count(bytes, of: part, total: &fieldBytes)
                        try await append(bytes, to: &part)
                    case (.body(let bytes), _):
                        try Self.count(bytes, of: part, total: &fieldBytes)
                        try await append(bytes, to: &part)
                    case (.end, .headers(let headers)):
                        part = try await open(headers, fields: &fields, queryPrefix: queryPrefix)
                        try Self.count(part, fields: &fieldCount)
                        try await close(&part, fields: &fields, stored: &stored)
                    case (.end, _):
                        try await close(&part, fields: &fields, stored: &stored)
                    case (.header, _):
                        break
                    }
                }
                events.list.removeAll(keepingCapacity: true)
            }
        } catch {
            if case .file(_, let upload) = part { await upload.abort() }
            throw error
        }
        if case .file(_, let upload) = part {
            await upload.abort()
            throw Problem(.badRequest, type: "invalid-form", detail: "the multipart/form-data body ended inside a part")
        }
        return stored
    }

    /// Counts a part that is not a file against ``maxFields``.
    static func count(_ part: Part, fields: inout Int) throws {
        if case .file = part { return }
        fields += 1
        guard fields <= maxFields else {
            throw Problem(.badRequest, type: "too-many-fields", detail: "the form has more than \(maxFields) fields; send files, with at most a 'key' or 'prefix' field each")
        }
    }

    /// Counts bytes of a part that is not a file against ``maxFieldBytes``.
    static func count(_ bytes: ByteBuffer, of part: Part, total: inout Int) throws {
        if case .file = part { return }
        total += bytes.readableBytes
        guard total <= maxFieldBytes else {
            throw Problem(.contentTooLarge, type: "fields-too-large", detail: "the form's fields hold more than \(maxFieldBytes) bytes; files are not limited by this")
        }
    }

    private func open(_ headers: [String: String], fields: inout [String: String], queryPrefix: String?) async throws -> Part {
        let disposition = Self.disposition(headers["content-disposition"] ?? "")
        guard let name = disposition["name"] else { return .skipped }
        guard let filename = disposition["filename"] else { return .field(name: name, value: ByteBuffer()) }
        let path: String
        if let key = fields.removeValue(forKey: "key") {
            path = key
        } else {
            let base = (filename as NSString).lastPathComponent
            path = (fields["prefix"] ?? queryPrefix ?? "") + base
        }
        let key = try StorageRequest.key(scope, path)
        return .file(key, try await store.beginUpload(key, contentType: headers["content-type"] ?? "application/octet-stream"))
    }

    private func append(_ bytes: ByteBuffer, to part: inout Part) async throws {
        switch part {
        case .file(_, let upload):
            try await upload.write(bytes)
        case .field(let name, var value):
            var bytes = bytes
            guard value.readableBytes + bytes.readableBytes <= 4096 else {
                throw Problem(.badRequest, type: "invalid-form", detail: "form field '\(name)' is longer than 4096 bytes")
            }
            value.writeBuffer(&bytes)
            part = .field(name: name, value: value)
        case .headers, .skipped:
            break
        }
    }

    private func close(_ part: inout Part, fields: inout [String: String], stored: inout [BlobInfo]) async throws {
        switch part {
        case .file(_, let upload):
            part = .skipped
            stored.append(try await upload.finish())
        case .field(let name, let value):
            if Self.known.contains(name) { fields[name] = String(buffer: value) }
        case .headers, .skipped:
            break
        }
        part = .headers([:])
    }

    /// `form-data; name="file"; filename="a b.txt"` → ["name": "file", "filename": "a b.txt"].
    static func disposition(_ value: String) -> [String: String] {
        var result: [String: String] = [:]
        for item in value.split(separator: ";").dropFirst() {
            let pair = item.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            var text = pair[1].trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { text = String(text.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"") }
            result[pair[0].trimmingCharacters(in: .whitespaces).lowercased()] = text
        }
        return result
    }

    static func boundary(_ contentType: String) -> String? {
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for part in parts.dropFirst() where part.lowercased().hasPrefix("boundary=") {
            var value = String(part.dropFirst("boundary=".count))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value.isEmpty ? nil : value
        }
        return nil
    }
}
