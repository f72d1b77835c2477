import Foundation
import PlinthKernel
import SQLKit

/// A database for `plinth` processes a test starts: a fresh PostgreSQL database (dropped by
/// `drop`), or a SQLite file in `folder`.
public enum ProcessDatabase {
    public static func make(_ backend: TestBackend, folder: String) async throws -> (environment: [String: String], drop: @Sendable () async throws -> Void) {
        guard case .postgres(let baseURL) = backend else { return (["PLINTH_DATA_DIR": folder], {}) }
        let name = "plinth_p_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10).lowercased()
        try await TestKernel.run(plugins: [], backend: backend, options: .init(migrate: false, boot: false, mount: false)) { admin in
            try await admin.database.sql.raw("CREATE DATABASE \(ident: name)").run()
        }
        var components = URLComponents(string: baseURL)!
        components.path = "/" + name
        let url = components.string!
        return (["DATABASE_URL": url, "PLINTH_DATA_DIR": folder], {
            try await TestKernel.run(plugins: [], backend: backend, options: .init(migrate: false, boot: false, mount: false)) { admin in
                try await admin.database.sql.raw("DROP DATABASE IF EXISTS \(ident: name) WITH (FORCE)").run()
            }
        })
    }

    /// Runs SQL against the processes' database.
    public static func query<T: Sendable>(_ backend: TestBackend, _ environment: [String: String], _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        switch backend {
        case .sqlite:
            return try await TestKernel.run(plugins: [], backend: .sqlite, environment: environment, options: .init(migrate: false, boot: false, mount: false)) { try await body($0.database.sql) }
        case .postgres:
            return try await TestKernel.run(plugins: [], backend: .postgres(url: environment["DATABASE_URL"]!), schema: "public", options: .init(migrate: false, boot: false, mount: false)) { try await body($0.database.sql) }
        }
    }
}
