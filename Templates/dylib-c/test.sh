#!/usr/bin/env bash
# Starts `plinth serve` with this plugin in a scratch plugin directory and checks its route.
set -euo pipefail
cd "$(dirname "$0")"
plinth="${PLINTH_BINARY:-$PLINTH/.build/debug/plinth}"
work="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/plugins.d"
cp __name__.so "$work/plugins.d/"
# exec: $! must be the server itself, or the kill on exit stops only a subshell.
(cd "$work" && PORT=0 PLINTH_DATA_DIR="$work/data" exec "$plinth" serve >"$work/log" 2>&1) &
pid=$!
for _ in $(seq 1 300); do
    url=$(grep -o 'url=[^ ]*' "$work/log" | head -n 1 | cut -d= -f2) && [ -n "$url" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$work/log"; exit 1; }
    sleep 0.1
done
[ -n "${url:-}" ] || { cat "$work/log"; exit 1; }
first=$(curl -sS "$url/api/__name__/greet/ann")
second=$(curl -sS "$url/api/__name__/greet/ann")
[ "$first" = "hello ann (visit 1)" ] || { echo "unexpected: $first"; exit 1; }
[ "$second" = "hello ann (visit 2)" ] || { echo "unexpected: $second"; exit 1; }
grep -q "__name__ booted" "$work/log" || { echo "no boot line"; cat "$work/log"; exit 1; }
curl -sS "$url/openapi.json" | grep -q '"operationId":"__name__.greet"' || { echo "/openapi.json does not list __name__.greet"; exit 1; }
echo "__name__: ok"
