# Throwaway PostgreSQL for tests and benchmarks. Source it, then call start_postgres; it sets
# PG_PORT, PG_URL and PG_DIR. stop_postgres removes everything it made.

pg_bin_dir() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# initdb and postgres refuse to run as root, so as root they run as the postgres user.
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_postgres() {
    local bin
    bin="$(pg_bin_dir)"
    [ -n "$bin" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; return 1; }
    PG_DIR="$(mktemp -d /tmp/plinth-pg.XXXXXX)"
    chmod 755 "$PG_DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres "$PG_DIR"
    PG_PORT="$(free_port)"
    as_pg "$bin/initdb" -D "$PG_DIR/data" -A trust -U postgres -E UTF8 >/dev/null
    as_pg "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
        -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
    as_pg "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres plinth_test
    PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/plinth_test?sslmode=disable"
    export PG_PORT PG_URL PG_DIR
}

stop_postgres() {
    [ -n "${PG_DIR:-}" ] || return 0
    as_pg "$(pg_bin_dir)/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
}
