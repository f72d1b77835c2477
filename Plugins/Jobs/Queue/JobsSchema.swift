import PlinthKernel

/// The jobs plugin's tables. Times are Unix seconds (double precision) so that both databases
/// compare them the same way and an injected clock drives them in tests.
enum JobsSchema {
    static let migrations: [Migration] = [
        Migration(
            "001_queue",
            up: MigrationSQL(
                sqlite: [
                    """
                    CREATE TABLE jobs_queue (
                        id INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL, payload TEXT NOT NULL, tenant TEXT,
                        state TEXT NOT NULL, priority INTEGER NOT NULL DEFAULT 0, attempt INTEGER NOT NULL DEFAULT 0,
                        max_attempts INTEGER NOT NULL, run_at REAL NOT NULL, unique_key TEXT, last_error TEXT,
                        locked_by TEXT, lease_until REAL, created_at REAL NOT NULL, started_at REAL, finished_at REAL)
                    """,
                ] + indexes,
                postgres: [
                    """
                    CREATE TABLE jobs_queue (
                        id BIGSERIAL PRIMARY KEY, type TEXT NOT NULL, payload TEXT NOT NULL, tenant TEXT,
                        state TEXT NOT NULL, priority INTEGER NOT NULL DEFAULT 0, attempt INTEGER NOT NULL DEFAULT 0,
                        max_attempts INTEGER NOT NULL, run_at DOUBLE PRECISION NOT NULL, unique_key TEXT, last_error TEXT,
                        locked_by TEXT, lease_until DOUBLE PRECISION, created_at DOUBLE PRECISION NOT NULL,
                        started_at DOUBLE PRECISION, finished_at DOUBLE PRECISION)
                    """,
                ] + indexes
            ),
            down: MigrationSQL(sqlite: ["DROP TABLE jobs_queue"], postgres: ["DROP TABLE jobs_queue"])
        ),
        Migration(
            "002_schedules",
            up: [
                """
                CREATE TABLE jobs_schedules (
                    name TEXT PRIMARY KEY, expression TEXT NOT NULL, timezone TEXT NOT NULL, type TEXT NOT NULL,
                    payload TEXT NOT NULL, enabled INTEGER NOT NULL DEFAULT 1, next_run_at DOUBLE PRECISION,
                    last_run_at DOUBLE PRECISION, origin TEXT NOT NULL, updated_at DOUBLE PRECISION NOT NULL)
                """,
            ],
            down: ["DROP TABLE jobs_schedules"]
        ),
        // A unique key is the tenant's own: another tenant holding the same key must not make an
        // enqueue return a job its caller cannot see.
        Migration(
            "003_unique_per_tenant",
            up: ["DROP INDEX jobs_queue_unique", uniquePerTenant],
            down: ["DROP INDEX jobs_queue_unique_tenant", "CREATE UNIQUE INDEX jobs_queue_unique ON jobs_queue (type, unique_key) WHERE unique_key IS NOT NULL AND state IN ('available', 'running')"]
        ),
    ]

    static let uniquePerTenant = "CREATE UNIQUE INDEX jobs_queue_unique_tenant ON jobs_queue (type, COALESCE(tenant, ''), unique_key) WHERE unique_key IS NOT NULL AND state IN ('available', 'running')"

    /// The claim reads available jobs in priority order; the unique index holds a key only
    /// while its job is waiting or running; the rescuer scans running leases.
    static let indexes = [
        "CREATE INDEX jobs_queue_claim ON jobs_queue (priority DESC, run_at, id) WHERE state = 'available'",
        "CREATE UNIQUE INDEX jobs_queue_unique ON jobs_queue (type, unique_key) WHERE unique_key IS NOT NULL AND state IN ('available', 'running')",
        "CREATE INDEX jobs_queue_lease ON jobs_queue (lease_until) WHERE state = 'running'",
        "CREATE INDEX jobs_queue_state ON jobs_queue (state, type)",
    ]
}
