# Throwaway S3 (moto_server) for tests and benchmarks. Source it after postgres.sh (which
# defines free_port), then call start_moto; it sets MOTO_PORT and MOTO_URL. stop_moto ends it.

# moto[server] and boto3 from PyPI, if missing. Debian's Python refuses pip installs into the
# system (PEP 668), hence --break-system-packages as the fallback.
install_moto() {
    python3 -c 'import moto.server, boto3' 2>/dev/null && return 0
    python3 -m pip --version >/dev/null 2>&1 || {
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-pip >/dev/null
    }
    echo "installing moto[server] and boto3 from PyPI"
    python3 -m pip install --quiet 'moto[server]' boto3 2>/dev/null \
        || python3 -m pip install --quiet --break-system-packages 'moto[server]' boto3
}

start_moto() {
    MOTO_PORT="$(free_port)"
    MOTO_LOG="$(mktemp /tmp/plinth-moto.XXXXXX.log)"
    python3 -m moto.server -H 127.0.0.1 -p "$MOTO_PORT" >"$MOTO_LOG" 2>&1 &
    MOTO_PID=$!
    MOTO_URL="http://127.0.0.1:$MOTO_PORT"
    for _ in $(seq 1 100); do
        curl -s -o /dev/null "$MOTO_URL/moto-api/" && break
        kill -0 "$MOTO_PID" 2>/dev/null || { cat "$MOTO_LOG" >&2; return 1; }
        sleep 0.1
    done
    export MOTO_PORT MOTO_URL MOTO_PID
}

stop_moto() {
    [ -n "${MOTO_PID:-}" ] || return 0
    kill "$MOTO_PID" 2>/dev/null || true
    wait "$MOTO_PID" 2>/dev/null || true
    rm -f "${MOTO_LOG:-}"
}
