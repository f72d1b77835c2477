import PlinthKernel
import PlinthTesting
import PostgresNIO
import SQLKit
import Testing

/// `Database.executePrepared`: PostgreSQL's fast path for fixed statements.
@Suite struct PreparedStatementTests {
    struct InsertNote: PostgresPreparedStatement {
        static let sql = "INSERT INTO notes_items (id, body) VALUES ($1, $2) RETURNING id, body"
        typealias Row = (String, String)
        var id: String
        var body: String

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings()
            bindings.append(id)
            bindings.append(body)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode((String, String).self) }
    }

    func withDatabase(_ backend: TestBackend, _ body: (Database) async throws -> Void) async throws {
        try await TestKernel.run(plugins: [PluginEntry(NotesPlugin.self)], backend: backend, options: .init(boot: false, mount: false)) { kernel in
            try await body(kernel.database)
        }
    }

    @Test(arguments: TestBackend.all)
    func runsOnPostgresAndLeavesSQLiteToThePortableSQL(backend: TestBackend) async throws {
        try await withDatabase(backend) { db in
            // Twice, so the second run uses the statement prepared on the connection by the first.
            for id in ["p1", "p2"] {
                let rows = try await db.executePrepared(InsertNote(id: id, body: "body of \(id)"))
                if backend.isPostgres {
                    #expect(rows?.map(\.0) == [id])
                    #expect(rows?.map(\.1) == ["body of \(id)"])
                } else {
                    #expect(rows == nil)
                }
            }
            let stored = try await db.sql.raw("SELECT COUNT(*) AS n FROM notes_items").first()!.decode(column: "n", as: Int.self)
            #expect(stored == (backend.isPostgres ? 2 : 0))
        }
    }

    @Test(arguments: TestBackend.all)
    func neverRunsOutsideTheCallersTransaction(backend: TestBackend) async throws {
        try await withDatabase(backend) { db in
            if backend.isPostgres {
                // It would run on another connection, outside the transaction: refused.
                await #expect(throws: DatabaseError.self) {
                    try await db.transaction { _ in _ = try await db.executePrepared(InsertNote(id: "t1", body: "x")) }
                }
            } else {
                let rows = try await db.transaction { _ in try await db.executePrepared(InsertNote(id: "t1", body: "x")) }
                #expect(rows == nil)
            }
            let stored = try await db.sql.raw("SELECT COUNT(*) AS n FROM notes_items").first()!.decode(column: "n", as: Int.self)
            #expect(stored == 0)
        }
    }
}

extension TestBackend {
    var isPostgres: Bool {
        if case .postgres = self { return true }
        return false
    }
}
