# Throwaway SMTP server (aiosmtpd, from PyPI) for the mail tests. Source it after postgres.sh
# (which defines free_port), then call start_smtp; it sets SMTP_TEST_PORT and SMTP_TEST_MAILDIR
# (each message lands as a file in its new/ folder). stop_smtp ends it.

install_aiosmtpd() {
    python3 -c 'import aiosmtpd' 2>/dev/null && return 0
    echo "installing aiosmtpd from PyPI"
    python3 -m pip install --quiet aiosmtpd 2>/dev/null \
        || python3 -m pip install --quiet --break-system-packages aiosmtpd
}

start_smtp() {
    SMTP_TEST_PORT="$(free_port)"
    SMTP_TEST_MAILDIR="$(mktemp -d /tmp/plinth-smtp.XXXXXX)"
    SMTP_LOG="$(mktemp /tmp/plinth-smtp.XXXXXX.log)"
    python3 -m aiosmtpd -n -l "127.0.0.1:$SMTP_TEST_PORT" -c aiosmtpd.handlers.Mailbox "$SMTP_TEST_MAILDIR/box" >"$SMTP_LOG" 2>&1 &
    SMTP_PID=$!
    for _ in $(seq 1 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$SMTP_TEST_PORT") 2>/dev/null && break
        kill -0 "$SMTP_PID" 2>/dev/null || { cat "$SMTP_LOG" >&2; return 1; }
        sleep 0.1
    done
    export SMTP_TEST_PORT SMTP_TEST_MAILDIR SMTP_PID
}

stop_smtp() {
    [ -n "${SMTP_PID:-}" ] || return 0
    kill "$SMTP_PID" 2>/dev/null || true
    wait "$SMTP_PID" 2>/dev/null || true
    rm -rf "${SMTP_TEST_MAILDIR:-}" "${SMTP_LOG:-}"
}
