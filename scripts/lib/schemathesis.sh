# schemathesis (PyPI 4.32.x) against a live `plinth serve` with the default plugin set on SQLite,
# and openapi-spec-validator for the document tests. Source it after postgres.sh (free_port).
#
# run_schemathesis: every check; the examples, coverage, fuzzing and stateful phases; a fixed
# seed and SCHEMATHESIS_EXAMPLES cases per operation (default 15); signed in as a tenant owner
# by scripts/schemathesis/hooks.py. Prints "schemathesis: operations N, cases M, checks K,
# failures F" and returns non-zero on any failure or error.

install_schemathesis() {
    python3 -c 'import schemathesis, openapi_spec_validator' 2>/dev/null && return 0
    echo "installing schemathesis and openapi-spec-validator from PyPI"
    python3 -m pip install --quiet 'schemathesis==4.32.*' 'openapi-spec-validator==0.9.*' 2>/dev/null \
        || python3 -m pip install --quiet --break-system-packages 'schemathesis==4.32.*' 'openapi-spec-validator==0.9.*'
}

run_schemathesis() {
    local plinth="$1" root work port pid status
    root="$(pwd)"
    work="$(mktemp -d /tmp/plinth-schemathesis.XXXXXX)"
    port="$(free_port)"
    # The run registers, signs in and out many times from one address: the per-address limits of
    # sign-in would answer 429 to the auth hook itself.
    (cd "$work" && PORT="$port" PLINTH_DATA_DIR="$work/data" \
        PLINTH_AUTH_LOGIN_LIMIT=1000000 PLINTH_AUTH_REGISTER_LIMIT=1000000 \
        PLINTH_AUTH_FORGOT_LIMIT=1000000 PLINTH_AUTH_FORGOT_EMAIL_LIMIT=1000000 \
        exec "$plinth" serve >"$work/serve.log" 2>&1) &
    pid=$!
    for _ in $(seq 1 300); do
        curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
        kill -0 "$pid" 2>/dev/null || { cat "$work/serve.log" >&2; return 1; }
        sleep 0.1
    done
    # The document itself, by an oracle independent of the OpenAPIKit the kernel checks it with.
    curl -sf "http://127.0.0.1:$port/openapi.json" -o "$work/openapi.json"
    python3 -c 'import json, sys; from openapi_spec_validator import validate; d = json.load(open(sys.argv[1])); assert d["openapi"] == "3.1.0", d["openapi"]; validate(d); print("openapi-spec-validator: /openapi.json is valid OpenAPI 3.1,", sum(len(m) for m in d["paths"].values()), "operations")' "$work/openapi.json" \
        || { kill "$pid" 2>/dev/null; echo "openapi-spec-validator: /openapi.json is not valid"; return 1; }
    set +e
    (cd "$work" && PLINTH_DATA_DIR="$work/data" SCHEMATHESIS_HOOKS="$root/scripts/schemathesis/hooks.py" \
        schemathesis --config-file "$root/scripts/schemathesis/schemathesis.toml" run "http://127.0.0.1:$port/openapi.json" \
        --url "http://127.0.0.1:$port" --checks all --phases examples,coverage,fuzzing,stateful \
        --seed 20261202 --max-examples "${SCHEMATHESIS_EXAMPLES:-15}" --request-timeout 10 \
        --report json,ndjson --report-json-path "$work/run.json" --report-ndjson-path "$work/events.ndjson" \
        --no-color >"$work/schemathesis.log" 2>&1)
    status=$?
    set -e
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    python3 "$root/scripts/schemathesis/summary.py" "$work/run.json" "$work/events.ndjson" || status=1
    if [ "$status" -ne 0 ]; then
        sed -n '/= FAILURES =/,$p' "$work/schemathesis.log" | head -n 300
        tail -n 40 "$work/schemathesis.log"
        echo "schemathesis: failed (exit $status); the server's log is $work/serve.log"
        return "$status"
    fi
    rm -rf "$work"
}
