/// The kernel's own schema, recorded under the plugin id `kernel` and applied before any plugin's.
enum KernelMigrations {
    static let all: [Migration] = [sessions, auditLog, channelPayloads, socketTickets]

    static let sessions = Migration(
        "001_sessions",
        up: MigrationSQL(
            sqlite: ["""
                CREATE TABLE plinth_sessions (
                    id_hash TEXT PRIMARY KEY, subject TEXT, data TEXT NOT NULL,
                    created_at REAL NOT NULL, last_seen_at REAL NOT NULL, expires_at REAL NOT NULL)
                """, "CREATE INDEX plinth_sessions_expires ON plinth_sessions (expires_at)",
                "CREATE INDEX plinth_sessions_subject ON plinth_sessions (subject)"],
            postgres: ["""
                CREATE TABLE plinth_sessions (
                    id_hash TEXT PRIMARY KEY, subject TEXT, data TEXT NOT NULL,
                    created_at DOUBLE PRECISION NOT NULL, last_seen_at DOUBLE PRECISION NOT NULL, expires_at DOUBLE PRECISION NOT NULL)
                """, "CREATE INDEX plinth_sessions_expires ON plinth_sessions (expires_at)",
                "CREATE INDEX plinth_sessions_subject ON plinth_sessions (subject)"]
        ),
        down: MigrationSQL(sqlite: ["DROP TABLE plinth_sessions"], postgres: ["DROP TABLE plinth_sessions"])
    )

    static let auditLog = Migration(
        "002_audit_log",
        up: MigrationSQL(
            sqlite: ["""
                CREATE TABLE plinth_audit_log (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, at TEXT NOT NULL,
                    actor TEXT, tenant TEXT, action TEXT NOT NULL, target TEXT, metadata TEXT NOT NULL,
                    request_id TEXT, plugin TEXT NOT NULL)
                """,
                "CREATE TRIGGER plinth_audit_log_no_update BEFORE UPDATE ON plinth_audit_log BEGIN SELECT RAISE(ABORT, 'plinth_audit_log is append-only'); END",
                "CREATE TRIGGER plinth_audit_log_no_delete BEFORE DELETE ON plinth_audit_log BEGIN SELECT RAISE(ABORT, 'plinth_audit_log is append-only'); END",
                "CREATE INDEX plinth_audit_log_action ON plinth_audit_log (action, at)"],
            postgres: ["""
                CREATE TABLE plinth_audit_log (
                    seq BIGSERIAL PRIMARY KEY, id TEXT NOT NULL UNIQUE, at TEXT NOT NULL,
                    actor TEXT, tenant TEXT, action TEXT NOT NULL, target TEXT, metadata TEXT NOT NULL,
                    request_id TEXT, plugin TEXT NOT NULL)
                """,
                """
                CREATE FUNCTION plinth_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'plinth_audit_log is append-only'; END $$
                """,
                "CREATE TRIGGER plinth_audit_log_no_change BEFORE UPDATE OR DELETE ON plinth_audit_log FOR EACH ROW EXECUTE FUNCTION plinth_audit_log_append_only()",
                "CREATE INDEX plinth_audit_log_action ON plinth_audit_log (action, at)"]
        ),
        down: MigrationSQL(
            sqlite: ["DROP TABLE plinth_audit_log"],
            postgres: ["DROP TABLE plinth_audit_log", "DROP FUNCTION plinth_audit_log_append_only()"]
        )
    )

    /// Realtime messages over NOTIFY's payload limit, read by every instance by id.
    static let channelPayloads = Migration(
        "003_channel_payloads",
        up: MigrationSQL(
            sqlite: ["CREATE TABLE plinth_channel_payloads (id TEXT PRIMARY KEY, body TEXT NOT NULL, created_at REAL NOT NULL)"],
            postgres: ["CREATE TABLE plinth_channel_payloads (id TEXT PRIMARY KEY, body TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL)",
                       "CREATE INDEX plinth_channel_payloads_created ON plinth_channel_payloads (created_at)"]
        ),
        down: MigrationSQL(sqlite: ["DROP TABLE plinth_channel_payloads"], postgres: ["DROP TABLE plinth_channel_payloads"])
    )

    /// Single-use `/ws` tickets (``SocketTickets``), their credentials sealed.
    static let socketTickets = Migration(
        "004_socket_tickets",
        up: MigrationSQL(
            sqlite: ["CREATE TABLE plinth_socket_tickets (id_hash TEXT PRIMARY KEY, credentials TEXT NOT NULL, expires_at REAL NOT NULL)"],
            postgres: ["CREATE TABLE plinth_socket_tickets (id_hash TEXT PRIMARY KEY, credentials TEXT NOT NULL, expires_at DOUBLE PRECISION NOT NULL)"]
        ),
        down: MigrationSQL(sqlite: ["DROP TABLE plinth_socket_tickets"], postgres: ["DROP TABLE plinth_socket_tickets"])
    )
}
