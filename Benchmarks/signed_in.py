#!/usr/bin/env python3
"""The signed-in request path, side by side in one run (release build), on SQLite and PostgreSQL:

  plinth   `plinth serve` with the default plugin set and its default access log, the jobs
           worker off (PLINTH_JOBS_WORKER=false, an API-only instance) so that only requests
           load the machine;
  bare     `plinth-bench signed-in-bare`: Hummingbird + jwt-kit + postgres-nio / sqlite-nio and
           the same SQL, no kernel: the limit for this stack;
  fastapi  FastAPI + uvicorn (one worker per core) + asyncpg / sqlite3 + PyJWT, the same SQL;

all three on the database `plinth serve` created, answering as the same signed-in user:

  me        GET /api/auth/me with a bearer token
  jobs      GET /api/jobs?limit=20 as the tenant's owner (bearer + X-Tenant-ID)
  jobs-key  the same with an X-API-Key (Plinth counts the key's hourly limit on each request)
  cookie    GET /api/auth/me with the browser session cookie
  enqueue   POST /api/jobs (a write: insert and its notifications in one transaction)

wrk (one thread, 32 connections) in alternating rounds; prints medians of req/s, p50 and p99,
the ratios plinth/bare and plinth/fastapi, `pgbench -S` (simple and prepared, 10 clients) as
PostgreSQL's own ceiling, and the issue's targets as PASS/MISS.

Usage: scripts/bench signed-in  (or Benchmarks/signed_in.py --bin .build/release --pg-url URL)
"""
import argparse, http.cookies, json, os, re, shutil, signal, statistics, subprocess, sys, tempfile, time
import urllib.parse, urllib.request
from benchlib import free_port, post_json, sign_in, wait_ready

SECRET = "signed-in-benchmark-access-secret-0123456789"
REFRESH = "signed-in-benchmark-refresh-secret-9876543210"
ISSUER, AUDIENCE = "plinth-bench", "plinth"
ROUTES = ["me", "jobs", "jobs-key", "cookie", "enqueue"]
HERE = os.path.dirname(os.path.abspath(__file__))


def wrk(url, seconds, connections, headers, script=None):
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} non-2xx responses")
    return (float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            millis(re.search(r"50%\s+([\d.]+\w+)", out).group(1)), millis(re.search(r"99%\s+([\d.]+\w+)", out).group(1)))


def millis(text):
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def psql(url, sql):
    subprocess.run([pg_bin("psql"), url, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True, capture_output=True)


def pg_bin(name):
    found = shutil.which(name)
    if found:
        return found
    dirs = sorted((d for d in os.listdir("/usr/lib/postgresql")), key=lambda v: [int(p) for p in v.split(".") if p.isdigit()])
    return f"/usr/lib/postgresql/{dirs[-1]}/bin/{name}"


def with_database(url, name):
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


class Servers:
    """Starts the three servers for one database and stops them however the run ends."""

    def __init__(self):
        self.procs = []

    def start(self, cmd, env, ready, cwd=None):
        log = tempfile.TemporaryFile()
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        self.procs.append((proc, log))
        try:
            wait_ready(ready, timeout=60, proc=proc)
        except RuntimeError:
            log.seek(0)
            sys.stderr.write(log.read().decode(errors="replace")[-3000:])
            raise
        return proc

    def stop(self):
        for proc, _ in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc, _ in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.procs = []


def credentials(base, data):
    """Bearer + tenant headers, an API key of the tenant and a browser session cookie."""
    tenant_headers = sign_in(base, data)
    key = post_json(f"{base}/api/auth/api-keys", {"name": "bench", "scopes": ["*"], "tenant": tenant_headers["X-Tenant-ID"]}, tenant_headers)["key"]
    request = urllib.request.Request(f"{base}/api/auth/login", method="POST", headers={"Content-Type": "application/json"},
                                     data=json.dumps({"email": "bench@example.com", "password": "benchmark password 1", "mode": "cookie"}).encode())
    with urllib.request.urlopen(request, timeout=10) as r:
        jar = http.cookies.SimpleCookie()
        for header in r.headers.get_all("Set-Cookie") or []:
            jar.load(header)
    if "plinth_session" not in jar:
        raise RuntimeError("cookie sign-in set no plinth_session cookie")
    return tenant_headers, key, jar["plinth_session"].value


def measure(backend, args, enqueue_script):
    """Runs every route on the three servers of `backend`; returns route -> side -> [runs]."""
    work = tempfile.mkdtemp(prefix=f"signed-in-{backend}-")
    data = os.path.join(work, "data")
    servers = Servers()
    pg_name = f"plinth_bench_signed_in_{os.getpid()}"
    try:
        env = dict(os.environ, PLINTH_DATA_DIR=data, JWT_SECRET=SECRET, JWT_REFRESH_SECRET=REFRESH,
                   PLINTH_AUTH_JWT_ISSUER=ISSUER, PLINTH_AUTH_JWT_AUDIENCE=AUDIENCE, JWT_ACCESS_EXPIRY="3600",
                   API_KEY_RATE_LIMIT="10000000", PLINTH_JOBS_WORKER="false")
        env.pop("DATABASE_URL", None)
        if backend == "postgres":
            psql(args.pg_url, f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
            psql(args.pg_url, f'CREATE DATABASE "{pg_name}"')
            database = with_database(args.pg_url, pg_name)
            env["DATABASE_URL"] = database
        else:
            database = os.path.join(data, "plinth.sqlite")
        ports = {side: free_port() for side in ("plinth", "bare", "fastapi")}
        urls = {side: f"http://127.0.0.1:{port}" for side, port in ports.items()}
        servers.start([os.path.join(args.bin, "plinth"), "serve"], dict(env, PORT=str(ports["plinth"])), urls["plinth"] + "/health", cwd=work)
        bearer, key, cookie = credentials(urls["plinth"], data)
        for _ in range(20):  # rows for the list routes, as a tenant in use has
            post_json(urls["plinth"] + "/api/jobs", {"type": "jobs.noop"}, bearer)
        store = ["--postgres", database, "--schema", "public"] if backend == "postgres" else ["--sqlite", database]
        servers.start([os.path.join(args.bin, "plinth-bench"), "signed-in-bare", "--port", str(ports["bare"]), "--jwt-secret", SECRET,
                       "--issuer", ISSUER, "--audience", AUDIENCE] + store, env, urls["bare"] + "/health")
        servers.start([sys.executable, "-m", "uvicorn", "signed_in_fastapi:app", "--app-dir", HERE, "--workers", str(os.cpu_count() or 2),
                       "--host", "127.0.0.1", "--port", str(ports["fastapi"]), "--no-access-log", "--log-level", "warning"],
                      dict(env, BENCH_DATABASE=database, BENCH_JWT_SECRET=SECRET, BENCH_ISSUER=ISSUER, BENCH_AUDIENCE=AUDIENCE,
                           BENCH_NAMESPACE="bench"), urls["fastapi"] + "/health")
        requests = {
            "me": ("/api/auth/me", {"Authorization": bearer["Authorization"]}, None),
            "jobs": ("/api/jobs?limit=20", bearer, None),
            "jobs-key": ("/api/jobs?limit=20", {"X-API-Key": key}, None),
            "cookie": ("/api/auth/me", {"Cookie": f"plinth_session={cookie}"}, None),
            "enqueue": ("/api/jobs", bearer, enqueue_script),
        }
        results = {}
        for route in args.routes:
            path, headers, script = requests[route]
            sides = {}
            for side, url in urls.items():
                try:
                    wrk(url + path, 2, args.connections, headers, script)
                    sides[side] = url
                except RuntimeError as error:
                    # A peer that answers errors is left out of this route, not the whole run.
                    print(f"  {backend:8s} {route:9s} {side}: {error}", flush=True)
            runs = {side: [] for side in sides}
            for _ in range(args.rounds):
                for side, url in sides.items():
                    runs[side].append(wrk(url + path, args.seconds, args.connections, headers, script))
            results[route] = runs
            print_route(backend, route, runs)
        if backend == "postgres":
            results["pgbench"] = pgbench(args)
        return results
    finally:
        servers.stop()
        if backend == "postgres":
            try:
                psql(args.pg_url, f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
            except subprocess.CalledProcessError as error:
                print(f"warning: could not drop {pg_name}: {error}", file=sys.stderr)
        shutil.rmtree(work, ignore_errors=True)


def medians(runs):
    return tuple(statistics.median(run[i] for run in runs) for i in range(3))


def ratio(m, other):
    """plinth's median req/s over `other`'s, or None when either side failed."""
    return m["plinth"][0] / m[other][0] if "plinth" in m and other in m else None


def show(value, width=0):
    return f"{value:{width}.2f}" if value is not None else f"{'-':>{width}s}"


def print_route(backend, route, runs):
    m = {side: medians(r) for side, r in runs.items()}
    line = "   ".join(f"{side} {v[0]:7.0f} req/s p50 {v[1]:5.1f} p99 {v[2]:6.1f} ms" for side, v in m.items())
    print(f"  {backend:8s} {route:9s} {line}   plinth/bare {show(ratio(m, 'bare'))}  plinth/fastapi {show(ratio(m, 'fastapi'))}", flush=True)


def pgbench(args):
    """`pgbench -S` on a scale-1 database of its own: 10 clients, simple and prepared protocol."""
    name = f"plinth_bench_pgbench_{os.getpid()}"
    psql(args.pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql(args.pg_url, f'CREATE DATABASE "{name}"')
    url = with_database(args.pg_url, name)
    try:
        subprocess.run([pg_bin("pgbench"), "-i", "-q", "-s", "1", url], check=True, capture_output=True)
        tps = {}
        for mode in ("simple", "prepared"):
            out = subprocess.run([pg_bin("pgbench"), "-S", "-n", "-c", "10", "-j", "2", "-T", str(args.seconds), "-M", mode, url],
                                 check=True, capture_output=True, text=True).stdout
            tps[mode] = float(re.search(r"tps = ([\d.]+)", out).group(1))
        print(f"  postgres pgbench -S  simple {tps['simple']:.0f} tps   prepared {tps['prepared']:.0f} tps", flush=True)
        return tps
    finally:
        psql(args.pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def summary(all_results):
    print("\nmedians (req/s, p99 ms) and ratios")
    print(f"  {'database':9s} {'route':9s} {'plinth':>15s} {'bare':>15s} {'fastapi':>15s} {'/bare':>6s} {'/fastapi':>8s}")
    misses = 0
    for backend, results in all_results.items():
        for route in ROUTES:
            if route not in results:
                continue
            m = {side: medians(r) for side, r in results[route].items()}
            print(f"  {backend:9s} {route:9s}" + "".join(f" {m[s][0]:8.0f} {m[s][2]:6.1f}" if s in m else f" {'failed':>15s}" for s in ("plinth", "bare", "fastapi"))
                  + f" {show(ratio(m, 'bare'), 6)} {show(ratio(m, 'fastapi'), 8)}")
        if "pgbench" in results:
            print(f"  {backend:9s} pgbench -S simple {results['pgbench']['simple']:.0f} tps, prepared {results['pgbench']['prepared']:.0f} tps")
    print("\ntargets")
    for backend, results in all_results.items():
        for route in ROUTES:
            if route not in results:
                continue
            m = {side: medians(r) for side, r in results[route].items()}
            checks = [(f"{route} plinth/bare >= 0.8", (ratio(m, "bare") or 0) >= 0.8),
                      (f"{route} plinth/fastapi >= 2", (ratio(m, "fastapi") or 0) >= 2)]
            if "plinth" not in m:
                checks = [(f"{route} answers", False)]
            elif route == "me":
                floor = 8000 if backend == "sqlite" else 5000
                checks += [(f"me >= {floor} req/s", m["plinth"][0] >= floor), ("me p99 < 20 ms", m["plinth"][2] < 20)]
            for name, ok in checks:
                misses += not ok
                print(f"  {'PASS' if ok else 'MISS'}  {backend:8s} {name}")
    print(f"\n{misses} target(s) missed" if misses else "\nevery target met")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True, help="the release build's bin folder")
    parser.add_argument("--pg-url", help="a PostgreSQL server URL; without it only SQLite runs")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--routes", default=",".join(ROUTES), help="comma-separated subset of " + ", ".join(ROUTES))
    parser.add_argument("--databases", default="sqlite,postgres")
    args = parser.parse_args()
    args.bin = os.path.abspath(args.bin)
    args.routes = [r for r in args.routes.split(",") if r]
    unknown = set(args.routes) - set(ROUTES)
    if unknown:
        parser.error(f"unknown route(s): {', '.join(sorted(unknown))}")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write('wrk.method = "POST"\nwrk.body = \'{"type":"jobs.noop"}\'\nwrk.headers["Content-Type"] = "application/json"\n')
    all_results = {}
    try:
        print(f"wrk -t1 -c{args.connections}, {args.rounds} alternating rounds of {args.seconds} s per side and route")
        for backend in args.databases.split(","):
            if backend == "postgres" and not args.pg_url:
                print("  postgres: skipped (no --pg-url)")
                continue
            all_results[backend] = measure(backend, args, script.name)
    finally:
        os.unlink(script.name)
    summary(all_results)


if __name__ == "__main__":
    main()
