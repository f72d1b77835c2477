#!/usr/bin/env python3
"""Shared-object plugin benchmark, side by side in one run (release build):

requests per second of the same route, `GET .../greet/:name` answering "hello <name>", served
by a C plugin loaded through the ABI (Benchmarks/dylib/bench_c.c, built here with cc -O2) and by
an in-process Swift plugin, all in one `plinth-bench dylib` server; wrk in alternating rounds.
The C plugin is loaded twice: flagged PLINTH_PLUGIN_INLINE_HANDLERS (its handler runs on the
request thread) and without (each call handed to a worker thread, the default for plugins whose
handlers may block on the database). Prints medians and ratios (target >= 0.9).

Then a database-backed route: `POST /api/bench_db/items` of a C plugin (Benchmarks/dylib/bench_db.c,
a public route inserting one row through db_query and answering 201 {"id":N}) on the real
`plinth serve` with the default plugin set, on SQLite and, given --pg-url, on PostgreSQL (a fresh
database, dropped afterwards): both servers run at once and wrk (one thread, POST through a Lua
script) alternates rounds between them. Prints median req/s, p50 and p99 per database and the
ratio PostgreSQL/SQLite (target >= 0.5).

Usage: scripts/bench dylib  (or Benchmarks/dylib.py --bin .build/release [--pg-url URL])
"""
import argparse, os, re, shutil, signal, statistics, subprocess, sys, tempfile, threading
from benchlib import free_port, wait_ready
from kernel import alternate, report, start, stop
from signed_in import millis, pg_bin, psql, with_database

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=".build/release")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--seconds", type=int, default=6)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--pg-url", help="a PostgreSQL server URL; without it the database part runs on SQLite only")
    args = ap.parse_args()
    bench = os.path.abspath(os.path.join(args.bin, "plinth-bench"))
    work = tempfile.mkdtemp(prefix="plinth-bench-dylib-")
    plugins = os.path.join(work, "plugins.d")
    os.makedirs(plugins)
    for name, flags in [("bench_c", "PLINTH_PLUGIN_THREAD_SAFE|PLINTH_PLUGIN_INLINE_HANDLERS"), ("bench_pool", "PLINTH_PLUGIN_THREAD_SAFE")]:
        subprocess.run(["cc", "-O2", "-shared", "-fPIC", "-I", os.path.join(ROOT, "Sources/CPlinthABI/include"), f'-DBENCH_NAME="{name}"',
                        f"-DBENCH_FLAGS={flags}", os.path.join(ROOT, "Benchmarks/dylib/bench_c.c"), "-o", os.path.join(plugins, f"{name}.so")], check=True)
    env = dict(os.environ, PLINTH_DATA_DIR=os.path.join(work, "data"), PLINTH_PLUGIN_DIR=plugins, LOG_LEVEL="warning")
    env.pop("DATABASE_URL", None)
    port = free_port()
    proc = start([bench, "dylib", str(port)], env, work)
    urls = {"in-process": f"http://127.0.0.1:{port}/api/native/greet/ann", "C plugin": f"http://127.0.0.1:{port}/api/bench_c/greet/ann",
            "C, worker": f"http://127.0.0.1:{port}/api/bench_pool/greet/ann"}
    try:
        wait_ready(f"http://127.0.0.1:{port}/ready")
        results, med = alternate(urls, args.rounds, args.seconds, args.connections)
    finally:
        stop(proc)
    print(f"shared-object route vs in-process ({args.rounds} rounds x {args.seconds}s, {args.connections} connections, wrk 1 thread, one server)")
    report(results, med, width=10)
    print(f"  ratio C plugin (inline handlers)/in-process: {med['C plugin'] / med['in-process']:.3f}   (target >= 0.9)")
    print(f"  ratio C plugin (worker threads)/in-process:  {med['C, worker'] / med['in-process']:.3f}")
    database_route(args, work)


def wrk_post(url, seconds, connections, script, during=None):
    """wrk POSTing through `script`; returns (req/s, p50 ms, p99 ms, non-2xx, socket errors).
    `during`, if given, is called halfway through the run (to look at the server meanwhile)."""
    proc = subprocess.Popen(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script, url],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if during:
        timer = threading.Timer(seconds / 2, during)
        timer.start()
    out, err = proc.communicate()
    if during:
        timer.join()
    if proc.returncode != 0:
        raise RuntimeError(f"wrk {url} failed: {err.strip()}")
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return (float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), millis(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
            millis(re.search(r"99%\s+([\d.]+\w+)", out).group(1)), int(non2xx.group(1)) if non2xx else 0,
            sum(int(n) for n in sockets.groups()) if sockets else 0)


def database_route(args, work):
    """Part 2: POST /api/bench_db/items on `plinth serve`, SQLite and PostgreSQL side by side."""
    plugins = os.path.join(work, "plugins-db.d")
    os.makedirs(plugins)
    subprocess.run(["cc", "-O2", "-Wall", "-Wextra", "-shared", "-fPIC", "-I", os.path.join(ROOT, "Sources/CPlinthABI/include"),
                    os.path.join(ROOT, "Benchmarks/dylib/bench_db.c"), "-o", os.path.join(plugins, "bench_db.so")], check=True)
    script = os.path.join(work, "post_item.lua")
    with open(script, "w") as f:
        f.write('wrk.method = "POST"\nwrk.body = \'{"name":"bench item"}\'\nwrk.headers["Content-Type"] = "application/json"\n')
    plinth = os.path.abspath(os.path.join(args.bin, "plinth"))
    pg_name = f"plinth_bench_dylib_db_{os.getpid()}"
    backends = ["sqlite"] + (["postgres"] if args.pg_url else [])
    servers, logs, urls = [], {}, {}
    try:
        for backend in backends:
            home = os.path.join(work, backend)
            os.makedirs(home)
            # The jobs worker off (an API-only instance, as in signed_in.py): only requests load the machine.
            env = dict(os.environ, PLINTH_DATA_DIR=os.path.join(home, "data"), PLINTH_PLUGIN_DIR=plugins, LOG_LEVEL="warning",
                       PLINTH_JOBS_WORKER="false")
            env.pop("DATABASE_URL", None)
            if backend == "postgres":
                psql(args.pg_url, f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
                psql(args.pg_url, f'CREATE DATABASE "{pg_name}"')
                env["DATABASE_URL"] = with_database(args.pg_url, pg_name)
            port = free_port()
            env["PORT"] = str(port)
            logs[backend] = os.path.join(home, "server.log")
            with open(logs[backend], "wb") as log:
                proc = subprocess.Popen([plinth, "serve"], env=env, cwd=home, stdout=log, stderr=subprocess.STDOUT)
            servers.append(proc)
            try:
                wait_ready(f"http://127.0.0.1:{port}/ready", timeout=60, proc=proc)
            except RuntimeError:
                sys.stderr.write(open(logs[backend], errors="replace").read()[-3000:])
                raise
            urls[backend] = f"http://127.0.0.1:{port}/api/bench_db/items"
        for url in urls.values():
            wrk_post(url, 2, args.connections, script)
        results = {backend: [] for backend in urls}
        activity = []
        for i in range(args.rounds):
            for backend, url in urls.items():
                probe = (lambda: activity.append(pg_activity(args.pg_url, pg_name))) if backend == "postgres" and i == args.rounds - 1 else None
                results[backend].append(wrk_post(url, args.seconds, args.connections, script, during=probe))
    finally:
        for proc in servers:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in servers:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        if args.pg_url:
            try:
                psql(args.pg_url, f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
            except subprocess.CalledProcessError as error:
                print(f"warning: could not drop {pg_name}: {error}", file=sys.stderr)
    print(f"\ndatabase-backed route: POST /api/bench_db/items, one INSERT ... RETURNING per request, C plugin on `plinth serve`"
          f"\n({args.rounds} alternating rounds x {args.seconds}s, {args.connections} connections, wrk 1 thread, one server per database)")
    med = {}
    for backend, runs in results.items():
        med[backend] = tuple(statistics.median(r[i] for r in runs) for i in range(3))
        rounds = ", ".join(f"{r[0]:.0f}" for r in runs)
        bad = sum(r[3] for r in runs), sum(r[4] for r in runs)
        print(f"  {backend:8s} median {med[backend][0]:7.0f} req/s   p50 {med[backend][1]:6.2f} ms   p99 {med[backend][2]:6.2f} ms"
              f"   rounds [{rounds}]" + (f"   non-2xx {bad[0]}, socket errors {bad[1]}" if any(bad) else ""))
    if "postgres" in med:
        print(f"  ratio PostgreSQL/SQLite: {med['postgres'][0] / med['sqlite'][0]:.3f}   (target >= 0.5)")
        for line in activity:
            print(f"  pg_stat_activity mid-round: {line}")
    else:
        print("  postgres: skipped (no --pg-url)")
    for backend, path in logs.items():
        # Warnings and errors, timestamps and request ids dropped, counted by text.
        seen = {}
        for line in open(path, errors="replace"):
            if re.search(r" (WARNING|ERROR|CRITICAL) ", line):
                text = re.sub(r"^\S+ ", "", line.rstrip())
                text = re.sub(r"request[_-]?id=\S+", "", text)[:240]
                seen[text] = seen.get(text, 0) + 1
        for text, count in sorted(seen.items(), key=lambda kv: -kv[1])[:6]:
            print(f"  {backend} server log x{count}: {text}")
    shutil.rmtree(work, ignore_errors=True)


def pg_activity(url, name):
    """The benchmark database's backends by state and wait event, as one line."""
    sql = (f"SELECT state || ':' || COALESCE(wait_event_type || '/' || wait_event, 'cpu') || ' x' || count(*) FROM pg_stat_activity "
           f"WHERE datname = '{name}' GROUP BY state, wait_event_type, wait_event ORDER BY count(*) DESC")
    out = subprocess.run([pg_bin("psql"), url, "-At", "-c", sql], capture_output=True, text=True)
    return ", ".join(out.stdout.splitlines()) if out.returncode == 0 else f"(psql failed: {out.stderr.strip()})"


if __name__ == "__main__":
    sys.exit(main())
