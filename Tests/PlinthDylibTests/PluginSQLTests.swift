@testable import PlinthDylib
import PlinthKernel
import Testing

/// How a plugin's SQL is read before it reaches either database, without one.
@Suite struct PluginSQLTests {
    @Test func oneStatementWithDollarParametersIsTheOnlyShapeAccepted() throws {
        _ = try PluginSQL.query("SELECT $1 AS x;  -- one statement, a trailing ';' is fine", [.integer(5)])
        // '$', '?' and ';' inside literals, quoted names and comments are text, not SQL.
        _ = try PluginSQL.query(#"SELECT 'it''s $1; ?' AS "a?b", $1 /* ; ? */ AS y"#, [.text("z")])
        for (sql, reason) in [("SELECT 1; SELECT 2", "more than one statement"), ("SELECT ? AS x", "uses '?'"), ("SELECT $2", "uses $2 but 1 parameter")] {
            #expect(throws: DatabaseError.self, "\(sql)") { _ = try PluginSQL.query(sql, [.integer(1)]) }
            do { _ = try PluginSQL.query(sql, [.integer(1)]) } catch let error as DatabaseError {
                #expect(error.message.contains(reason), "\(error.message)")
            }
        }
    }
}
