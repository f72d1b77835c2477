import Foundation
import PlinthKernel
import SQLKit

/// The local driver's list of objects, in the database: a page of a listing is one indexed range
/// query, costing what the page holds however many objects share the prefix. Without it every
/// page walked and sorted the whole prefix on disk.
///
/// Rows are written after a file is in place and removed after it is gone. The first start with
/// a root indexes the files already there (`storage_local_index_roots` notes that it did), so
/// objects stored before the index existed are listed too.
struct LocalObjectIndex: Sendable {
    let database: Database
    /// The local root, so that two roots (a changed `STORAGE_LOCAL_ROOT`) never mix.
    let root: String

    static let migration = Migration(
        "002_local_index",
        up: MigrationSQL(
            sqlite: [
                "CREATE TABLE storage_local_objects (root TEXT NOT NULL, path TEXT NOT NULL, size BIGINT NOT NULL, content_type TEXT, etag TEXT, modified REAL NOT NULL, PRIMARY KEY (root, path))",
                "CREATE TABLE storage_local_index_roots (root TEXT PRIMARY KEY, built_at REAL NOT NULL)",
            ],
            postgres: [
                // Byte order (collation "C"), as S3 lists keys, and as the primary key's index is sorted.
                "CREATE TABLE storage_local_objects (root TEXT NOT NULL, path TEXT COLLATE \"C\" NOT NULL, size BIGINT NOT NULL, content_type TEXT, etag TEXT, modified DOUBLE PRECISION NOT NULL, PRIMARY KEY (root, path))",
                "CREATE TABLE storage_local_index_roots (root TEXT PRIMARY KEY, built_at DOUBLE PRECISION NOT NULL)",
            ]
        ),
        down: MigrationSQL(sqlite: drops, postgres: drops)
    )

    static let drops = ["DROP TABLE storage_local_index_roots", "DROP TABLE storage_local_objects"]

    func record(_ info: BlobInfo) async throws {
        let modified = (info.lastModified ?? Date()).timeIntervalSince1970
        try await database.sql.raw("""
            INSERT INTO storage_local_objects (root, path, size, content_type, etag, modified)
            VALUES (\(bind: root), \(bind: info.key), \(bind: info.size), \(bind: info.contentType), \(bind: info.etag), \(bind: modified))
            ON CONFLICT (root, path) DO UPDATE SET size = excluded.size, content_type = excluded.content_type, etag = excluded.etag, modified = excluded.modified
            """).run()
    }

    func remove(_ path: String) async throws {
        try await database.sql.raw("DELETE FROM storage_local_objects WHERE root = \(bind: root) AND path = \(bind: path)").run()
    }

    /// Up to `limit` objects under `prefix` after `after`, in byte order, and whether more follow.
    func page(prefix: String, after: String?, limit: Int) async throws -> (items: [BlobInfo], more: Bool) {
        // Every key with the prefix sorts below the prefix followed by the highest code point.
        let upper = prefix + "\u{10FFFF}"
        let lower = max(prefix, after ?? "")
        let rows = try await database.sql.raw("""
            SELECT path, size, content_type, etag, modified FROM storage_local_objects
            WHERE root = \(bind: root) AND path >= \(bind: lower) AND path < \(bind: upper) AND path <> \(bind: after ?? "")
            ORDER BY path LIMIT \(bind: limit + 1)
            """).all()
        let items = try rows.prefix(limit).map { row in
            BlobInfo(key: try row.decode(column: "path", as: String.self), size: try row.decode(column: "size", as: Int.self),
                     contentType: try row.decode(column: "content_type", as: String?.self), etag: try row.decode(column: "etag", as: String?.self),
                     lastModified: Date(timeIntervalSince1970: try row.decode(column: "modified", as: Double.self)))
        }
        return (items, rows.count > limit)
    }

    /// Whether the files under this root were indexed once.
    func isBuilt() async throws -> Bool {
        try await database.sql.raw("SELECT 1 AS built FROM storage_local_index_roots WHERE root = \(bind: root)").first() != nil
    }

    func markBuilt() async throws {
        let now = Date().timeIntervalSince1970
        try await database.sql.raw("""
            INSERT INTO storage_local_index_roots (root, built_at) VALUES (\(bind: root), \(bind: now))
            ON CONFLICT (root) DO NOTHING
            """).run()
    }
}
