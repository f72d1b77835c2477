import PlinthKernel

/// The auth plugin's tables. Times are Unix seconds (double precision), ids are UUID strings.
///
/// Users, sign-ins (refresh tokens), API keys and one-time tokens are global identity rows;
/// invitations are rows of an email address, which its invitee reads across tenants (every query
/// names the tenant or the verified address); memberships are tenant rows and, on PostgreSQL, sit behind row level security (FORCE, and a
/// policy on `NULLIF(current_setting('app.current_tenant', true), '')`) — see ``tenantTables``.
enum AuthSchema {
    /// Tables holding tenant rows; each has RLS enabled and forced on PostgreSQL.
    static let tenantTables = ["auth_memberships"]

    static func real(_ postgres: Bool) -> String { postgres ? "DOUBLE PRECISION" : "REAL" }

    static func tables(postgres: Bool) -> [String] {
        let time = real(postgres)
        return [
            """
            CREATE TABLE auth_users (
                id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT, password_hash TEXT,
                email_verified_at \(time), failed_attempts INTEGER NOT NULL DEFAULT 0, locked_until \(time),
                disabled_at \(time), created_at \(time) NOT NULL, updated_at \(time) NOT NULL)
            """,
            """
            CREATE TABLE auth_refresh_tokens (
                id TEXT PRIMARY KEY, family_id TEXT NOT NULL, user_id TEXT NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE,
                token_hash TEXT NOT NULL UNIQUE, mode TEXT NOT NULL, user_agent TEXT,
                created_at \(time) NOT NULL, expires_at \(time) NOT NULL, family_expires_at \(time) NOT NULL,
                rotated_at \(time), replaced_by TEXT, revoked_at \(time), revoked_reason TEXT)
            """,
            "CREATE INDEX auth_refresh_tokens_family ON auth_refresh_tokens (family_id)",
            "CREATE INDEX auth_refresh_tokens_user ON auth_refresh_tokens (user_id)",
            """
            CREATE TABLE auth_api_keys (
                id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE, tenant_id TEXT,
                name TEXT NOT NULL, prefix TEXT NOT NULL UNIQUE, key_hash TEXT NOT NULL, scopes TEXT NOT NULL,
                created_at \(time) NOT NULL, expires_at \(time), revoked_at \(time), last_used_at \(time))
            """,
            "CREATE INDEX auth_api_keys_user ON auth_api_keys (user_id)",
            """
            CREATE TABLE auth_api_key_usage (
                key_id TEXT NOT NULL REFERENCES auth_api_keys(id) ON DELETE CASCADE, window_start BIGINT NOT NULL,
                count INTEGER NOT NULL, PRIMARY KEY (key_id, window_start))
            """,
            """
            CREATE TABLE auth_one_time_tokens (
                id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE, purpose TEXT NOT NULL,
                token_hash TEXT NOT NULL UNIQUE, detail TEXT, created_at \(time) NOT NULL, expires_at \(time) NOT NULL, used_at \(time))
            """,
            "CREATE INDEX auth_one_time_tokens_user ON auth_one_time_tokens (user_id, purpose)",
            """
            CREATE TABLE auth_external_identities (
                issuer TEXT NOT NULL, subject TEXT NOT NULL, user_id TEXT NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE,
                created_at \(time) NOT NULL, PRIMARY KEY (issuer, subject))
            """,
            """
            CREATE TABLE auth_tenants (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, created_by TEXT NOT NULL, created_at \(time) NOT NULL)
            """,
            """
            CREATE TABLE auth_memberships (
                tenant_id TEXT NOT NULL REFERENCES auth_tenants(id) ON DELETE CASCADE,
                user_id TEXT NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE, role TEXT NOT NULL,
                created_at \(time) NOT NULL, PRIMARY KEY (tenant_id, user_id))
            """,
            "CREATE INDEX auth_memberships_user ON auth_memberships (user_id)",
            "CREATE TABLE auth_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
        ]
    }

    /// A member sees the rows of the tenant the transaction is scoped to, and their own
    /// memberships in other tenants (`app.current_user`, so that "my tenants" needs no bypass);
    /// rows are written only into the scoped tenant.
    static let rowLevelSecurity = [
        "ALTER TABLE auth_memberships ENABLE ROW LEVEL SECURITY",
        "ALTER TABLE auth_memberships FORCE ROW LEVEL SECURITY",
        """
        CREATE POLICY auth_memberships_tenant ON auth_memberships
            USING (tenant_id = NULLIF(current_setting('app.current_tenant', true), '')
                   OR user_id = NULLIF(current_setting('app.current_user', true), ''))
            WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant', true), ''))
        """,
    ]

    static let migrations: [Migration] = [
        Migration(
            "001_accounts",
            up: MigrationSQL(sqlite: tables(postgres: false), postgres: tables(postgres: true) + rowLevelSecurity),
            down: MigrationSQL(
                sqlite: drops, postgres: drops
            )
        ),
        AuthRateLimits.migration,
        Invitations.migration,
    ]

    static let drops: [String] = [
        "DROP TABLE auth_secrets", "DROP TABLE auth_memberships", "DROP TABLE auth_tenants", "DROP TABLE auth_external_identities",
        "DROP TABLE auth_one_time_tokens", "DROP TABLE auth_api_key_usage", "DROP TABLE auth_api_keys",
        "DROP TABLE auth_refresh_tokens", "DROP TABLE auth_users",
    ]
}
