import Foundation

/// A database a test kernel runs on.
///
/// `PLINTH_TEST_DATABASE_URL` (a PostgreSQL URL) adds PostgreSQL to ``all``; `scripts/test`
/// starts a throwaway server and sets it, together with `PLINTH_TEST_REQUIRE_POSTGRES=1`, which
/// turns a missing URL into a failure instead of a quietly smaller run.
public enum TestBackend: Sendable, CustomStringConvertible, Hashable {
    case sqlite
    case postgres(url: String)

    public var description: String {
        switch self {
        case .sqlite: "sqlite"
        case .postgres: "postgres"
        }
    }

    /// The PostgreSQL URL from `PLINTH_TEST_DATABASE_URL`, if set.
    public static var postgresURL: String? {
        let env = ProcessInfo.processInfo.environment
        if let url = env["PLINTH_TEST_DATABASE_URL"], !url.isEmpty { return url }
        if env["PLINTH_TEST_REQUIRE_POSTGRES"] == "1" {
            fatalError("PLINTH_TEST_REQUIRE_POSTGRES=1 but PLINTH_TEST_DATABASE_URL is not set; run scripts/test")
        }
        return nil
    }

    /// SQLite, and PostgreSQL when configured.
    public static var all: [TestBackend] {
        [.sqlite] + (postgresURL.map { [.postgres(url: $0)] } ?? [])
    }

    /// PostgreSQL only (features SQLite does not have, such as cross-process locks).
    public static var postgresOnly: [TestBackend] {
        postgresURL.map { [.postgres(url: $0)] } ?? []
    }
}
