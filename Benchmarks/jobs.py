#!/usr/bin/env python3
"""Jobs benchmark, side by side in one run against the same throwaway PostgreSQL server (each
contender gets its own fresh database on it):

1. Drain throughput: N no-op jobs (default 50,000) already in the queue, drained in --rounds
   (default 3) alternating rounds (procrastinate once: it takes minutes), medians reported, by
   a. `plinth serve` (release build; PLINTH_JOBS_CONCURRENCY = PLINTH_JOBS_BATCH = --concurrency).
      The jobs are inserted in one transaction that also sends the NOTIFY the kernel sends on
      enqueue (channel `plinth_jobs_wake`), so the idle worker wakes at commit; timed from the
      commit until every row is `completed` (polled every 50 ms).
   b. pgqueuer: bulk-enqueued, then a QueueManager in drain mode (one asyncpg connection, the
      library's usual set-up; batch_size --concurrency, max_concurrent_tasks twice that, its
      minimum) with a no-op async entrypoint; timed until it returns (queue empty).
   c. procrastinate: bulk-deferred (batch_defer_async), then a worker with concurrency
      --concurrency and wait=False (returns when the queue is empty), pool of concurrency + 2
      connections; timed until it returns.
   d. Ceiling: pgbench running Plinth's claim (UPDATE ... FOR UPDATE SKIP LOCKED, batch of
      --concurrency) and the completion of the claimed rows in one transaction, -c --concurrency
      -j 2, on a copy of Plinth's `jobs_queue` table: what the database alone allows for the same
      two row updates per job.
   Every contender's queue table is ANALYZEd after the bulk insert (untimed; for Plinth inside
   the inserting transaction), as autovacuum would soon do: without statistics procrastinate's
   fetch plans a sort of the whole queue per job.
   Prints seconds and jobs/s for each and the ratios Plinth/pgqueuer, Plinth/procrastinate,
   Plinth/faster peer (target >= 1.5) and Plinth/ceiling.
2. Latency on an idle queue (Plinth only): 200 single jobs enqueued through `POST /api/jobs`,
   20 ms apart; p50 and p99 of `started_at - created_at` in ms (target p50 < 10 ms).

Every contender has a time limit (--timeout) and is reported as failed rather than waited for.
The peers run in child processes of this script. Missing Python packages (pgqueuer, procrastinate,
psycopg, asyncpg) are installed with pip.

Usage: scripts/bench jobs  (or Benchmarks/jobs.py --bin .build/release --pg-url postgres://...)
       Benchmarks/jobs.py --only peers --pg-url ...   (pgqueuer, procrastinate, ceiling; no binary)
"""
import argparse, asyncio, glob, importlib, json, math, os, shutil, signal, subprocess, sys, tempfile, time
import urllib.error, urllib.parse, urllib.request
from benchlib import free_port, sign_in, wait_ready

PACKAGES = [("pgqueuer", "pgqueuer"), ("procrastinate", "procrastinate"), ("psycopg", "psycopg[binary]"), ("asyncpg", "asyncpg")]
CONTENDERS = ["plinth", "pgqueuer", "procrastinate", "ceiling"]
# Run in every round; procrastinate is two orders of magnitude slower and runs once.
REPEATED = {"plinth", "pgqueuer", "ceiling"}
PLINTH_TYPE = "jobs.noop"
# The kernel names notification channels "<namespace>_<channel>" (Database+Notifications.swift);
# the namespace is the configured schema, "plinth" when none is set (as with a plain DATABASE_URL).
PLINTH_WAKE_CHANNEL = "plinth_jobs_wake"

# Plinth's jobs_queue as Plugins/Jobs/Queue/JobsSchema.swift creates it on PostgreSQL, for the ceiling.
JOBS_QUEUE_DDL = [
    """CREATE TABLE jobs_queue (
        id BIGSERIAL PRIMARY KEY, type TEXT NOT NULL, payload TEXT NOT NULL, tenant TEXT,
        state TEXT NOT NULL, priority INTEGER NOT NULL DEFAULT 0, attempt INTEGER NOT NULL DEFAULT 0,
        max_attempts INTEGER NOT NULL, run_at DOUBLE PRECISION NOT NULL, unique_key TEXT, last_error TEXT,
        locked_by TEXT, lease_until DOUBLE PRECISION, created_at DOUBLE PRECISION NOT NULL,
        started_at DOUBLE PRECISION, finished_at DOUBLE PRECISION)""",
    "CREATE INDEX jobs_queue_claim ON jobs_queue (priority DESC, run_at, id) WHERE state = 'available'",
    "CREATE UNIQUE INDEX jobs_queue_unique ON jobs_queue (type, unique_key) WHERE unique_key IS NOT NULL AND state IN ('available', 'running')",
    "CREATE INDEX jobs_queue_lease ON jobs_queue (lease_until) WHERE state = 'running'",
    "CREATE INDEX jobs_queue_state ON jobs_queue (state, type)",
]

INSERT_JOBS = """
INSERT INTO jobs_queue (type, payload, state, priority, attempt, max_attempts, run_at, created_at)
SELECT %s, '{}', 'available', 0, 0, 5, extract(epoch from clock_timestamp()), extract(epoch from clock_timestamp())
FROM generate_series(1, %s)
"""

# The worker's claim (JobStore.claim) and completion (JobStore.complete, here for the whole batch
# at once) in one transaction. :client_id tells the clients' claims apart as the worker id does.
CEILING_SCRIPT = """\\set batch {batch}
BEGIN;
UPDATE jobs_queue SET state = 'running', attempt = attempt + 1, locked_by = 'pgbench-' || :client_id,
    lease_until = extract(epoch from now()) + 60, started_at = extract(epoch from now())
WHERE id IN (
    SELECT id FROM jobs_queue WHERE state = 'available' AND run_at <= extract(epoch from now())
    AND type IN ('jobs.noop') ORDER BY priority DESC, run_at, id LIMIT :batch FOR UPDATE SKIP LOCKED)
RETURNING id, type, payload, tenant, state, priority, attempt, max_attempts, run_at, unique_key, last_error, created_at, started_at, finished_at;
UPDATE jobs_queue SET state = 'completed', finished_at = extract(epoch from clock_timestamp()), locked_by = NULL, lease_until = NULL
WHERE state = 'running' AND locked_by = 'pgbench-' || :client_id;
END;
"""


# ---------------------------------------------------------------------------------------------
# Set-up helpers


def ensure_packages():
    missing = []
    for module, package in PACKAGES:
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(package)
    if not missing:
        return
    print(f"installing {' '.join(missing)} ...", flush=True)
    base = [sys.executable, "-m", "pip", "install", "--quiet"]
    if subprocess.run(base + missing).returncode != 0:
        subprocess.run(base + ["--break-system-packages"] + missing, check=True)
    importlib.invalidate_caches()


def version(package):
    from importlib.metadata import version as v
    try:
        return v(package)
    except Exception:
        return "?"




def database_url(server_url, name):
    """The server URL with its database replaced by `name` (query string kept)."""
    parts = urllib.parse.urlsplit(server_url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def admin(server_url, sql):
    import psycopg
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql)


def create_database(server_url, name):
    admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin(server_url, f'CREATE DATABASE "{name}"')
    return database_url(server_url, name)


def drop_database(server_url, name):
    try:
        admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except Exception as error:
        print(f"warning: could not drop database {name}: {error}", file=sys.stderr)


def checkpoint(conn):
    """Flushes the bulk insert's dirty pages before timing; ignored without the privilege."""
    try:
        conn.execute("CHECKPOINT")
    except Exception:
        pass


def pgbench_path():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pgbench"), key=lambda p: [int(x) for x in p.split("/")[4].split(".") if x.isdigit()])
    return found[-1] if found else shutil.which("pgbench")




def tail(path, lines=30):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


def percentile(values, q):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


# ---------------------------------------------------------------------------------------------
# Plinth


def run_plinth(args, server_url, work, notes, latency=True):
    """Drain throughput and idle latency of `plinth serve`. Returns (drain result, latency result)."""
    import psycopg
    plinth = os.path.join(args.bin, "plinth")
    if not os.access(plinth, os.X_OK):
        raise RuntimeError(f"{plinth} is not an executable")
    url = create_database(server_url, "bench_plinth")
    data = os.path.join(work, "plinth-data")
    os.makedirs(data, exist_ok=True)
    env = dict(os.environ, DATABASE_URL=url, PLINTH_DATA_DIR=data, LOG_LEVEL="warning")
    migrate = subprocess.run([plinth, "migrate", "up"], env=env, cwd=work, capture_output=True, text=True, timeout=120)
    if migrate.returncode != 0:
        raise RuntimeError(f"plinth migrate up failed ({migrate.returncode}): {migrate.stderr.strip() or migrate.stdout.strip()}")
    port = free_port()
    server_env = dict(env, PORT=str(port), PLINTH_JOBS_CONCURRENCY=str(args.concurrency), PLINTH_JOBS_BATCH=str(args.concurrency))
    log_path = os.path.join(work, "plinth-serve.log")
    log = open(log_path, "wb")
    proc = subprocess.Popen([plinth, "serve"], env=server_env, cwd=work, stdout=log, stderr=subprocess.STDOUT)
    drain, measured = None, None
    try:
        wait_ready(f"http://127.0.0.1:{port}/ready", timeout=60.0, proc=proc)
        with psycopg.connect(url, autocommit=True) as conn:
            checkpoint(conn)
            n = args.jobs
            with conn.transaction():
                conn.execute(INSERT_JOBS, (PLINTH_TYPE, n))
                conn.execute("ANALYZE jobs_queue")  # counts this transaction's own rows
                conn.execute("SELECT pg_notify(%s, %s)", (PLINTH_WAKE_CHANNEL, PLINTH_TYPE))
            started, committed = time.monotonic(), time.time()
            deadline = started + args.timeout
            done = 0
            while True:
                done = conn.execute("SELECT count(*) FROM jobs_queue WHERE state = 'completed'").fetchone()[0]
                if done >= n:
                    break
                if time.monotonic() > deadline or proc.poll() is not None:
                    states = dict(conn.execute("SELECT state, count(*) FROM jobs_queue GROUP BY state").fetchall())
                    why = "server exited" if proc.poll() is not None else f"timed out after {args.timeout:g} s"
                    drain = {"error": f"{why}; {done}/{n} completed, states {states}"}
                    break
                time.sleep(0.05)
            if drain is None:
                seconds = time.monotonic() - started
                # The server's own view: first claim to last completion, free of the 50 ms poll.
                first, last = conn.execute("SELECT min(started_at), max(finished_at) FROM jobs_queue WHERE state = 'completed'").fetchone()
                wake = first - committed
                drain = {"seconds": seconds, "processed": done, "jobs_per_s": n / seconds,
                         "note": f"first claim {wake * 1000:.0f} ms after commit; first claim to last completion {last - first:.3f} s"}
                if wake > 0.5:
                    notes.append(f"Plinth's first claim came {wake:.2f} s after the commit: the NOTIFY on '{PLINTH_WAKE_CHANNEL}' "
                                 "did not seem to wake the worker, which then started on its poll (every 10 s when idle)")
                else:
                    notes.append(f"Plinth's worker was woken by the NOTIFY on '{PLINTH_WAKE_CHANNEL}' sent with the insert")
            if latency and drain.get("error") is None and proc.poll() is None:
                measured = plinth_latency(args, conn, port, data)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()
        if drain is None or "error" in drain or (measured is not None and "error" in measured):
            text = tail(log_path)
            if text:
                print(f"--- last lines of plinth serve's log ---\n{text}--- end ---", file=sys.stderr)
    return drain, measured


def summarize(rounds):
    """The median round (by jobs/s) of a contender, with every round's rate in its note; the
    first error if any round failed."""
    failed = [r for r in rounds if "error" in r]
    if failed:
        return failed[0]
    ordered = sorted(rounds, key=lambda r: r["jobs_per_s"])
    median = dict(ordered[len(ordered) // 2])
    if len(rounds) > 1:
        median["note"] = (median.get("note", "") + "; rounds " + ", ".join(f"{r['jobs_per_s']:,.0f}" for r in rounds) + " jobs/s").lstrip("; ")
    return median


def plinth_latency(args, conn, port, data):
    """Enqueues single jobs through the API on the idle queue; claim latency from the rows."""
    try:
        headers = sign_in(f"http://127.0.0.1:{port}", data)
    except Exception as error:
        return {"error": f"could not sign in to enqueue through the API: {error}"}
    time.sleep(1.0)  # let the worker settle into its idle wait
    ids, failures = [], []
    endpoint = f"http://127.0.0.1:{port}/api/jobs"
    body = json.dumps({"type": PLINTH_TYPE}).encode()
    next_at = time.monotonic()
    for _ in range(args.latency_jobs):
        request = urllib.request.Request(endpoint, data=body, method="POST", headers={"Content-Type": "application/json", **headers})
        try:
            with urllib.request.urlopen(request, timeout=5) as r:
                answer = json.loads(r.read() or b"{}")
                if r.status != 201:
                    failures.append(f"status {r.status}")
                elif "id" in answer:
                    ids.append(int(answer["id"]))
                else:
                    failures.append(f"no id in {answer}")
        except urllib.error.HTTPError as error:
            failures.append(f"status {error.code}: {error.read()[:200]!r}")
        except Exception as error:
            failures.append(str(error))
        next_at += args.latency_interval
        time.sleep(max(0.0, next_at - time.monotonic()))
    if not ids:
        return {"error": f"no job enqueued; first failure: {failures[0] if failures else '?'}"}
    deadline = time.monotonic() + 30
    rows = []
    while time.monotonic() < deadline:
        rows = conn.execute("SELECT started_at - created_at FROM jobs_queue WHERE id = ANY(%s) AND started_at IS NOT NULL", (ids,)).fetchall()
        if len(rows) == len(ids):
            break
        time.sleep(0.05)
    waits = [r[0] * 1000 for r in rows]
    result = {"enqueued": len(ids), "started": len(waits), "failures": len(failures)}
    if failures:
        result["first_failure"] = failures[0]
    if waits:
        result.update(p50=percentile(waits, 0.5), p99=percentile(waits, 0.99), max=max(waits))
    if len(waits) < len(ids):
        result["error"] = f"only {len(waits)}/{len(ids)} jobs started within 30 s"
    return result


# ---------------------------------------------------------------------------------------------
# Peers (each runs in a child process: `jobs.py --child NAME --db-url URL ...`)


async def child_pgqueuer(args):
    import asyncpg
    from pgqueuer import AsyncpgDriver, Queries, QueueManager
    from pgqueuer.domain.types import QueueExecutionMode
    conn = await asyncpg.connect(args.db_url)
    driver = AsyncpgDriver(conn)
    queries = Queries(driver)
    await queries.install()
    n, chunk = args.jobs, 10_000
    for start in range(0, n, chunk):
        k = min(chunk, n - start)
        await queries.enqueue(["noop"] * k, [None] * k, [0] * k)
    queued = await conn.fetchval("SELECT count(*) FROM pgqueuer")
    await conn.execute("ANALYZE pgqueuer")
    try:
        await conn.execute("CHECKPOINT")
    except Exception:
        pass
    ran = 0
    qm = QueueManager(queries)

    @qm.entrypoint("noop")
    async def noop(job):
        nonlocal ran
        ran += 1

    # The same claim batch as Plinth's; run() needs max_concurrent_tasks >= 2 * batch_size, so it may
    # hold twice as many jobs at once as Plinth does (irrelevant for no-op jobs, if anything a help).
    batch = args.pgqueuer_batch or args.concurrency
    limit = max(args.concurrency, 2 * batch)
    started = time.perf_counter()
    task = asyncio.create_task(qm.run(mode=QueueExecutionMode.drain, batch_size=batch, max_concurrent_tasks=limit))
    try:
        await asyncio.wait_for(asyncio.shield(task), args.timeout)
    except asyncio.TimeoutError:
        qm.shutdown.set()
        try:
            await asyncio.wait_for(task, 10)
        except Exception:
            task.cancel()
        left = await conn.fetchval("SELECT count(*) FROM pgqueuer")
        return {"error": f"timed out after {args.timeout:g} s; {ran}/{n} ran, {left} left in the queue"}
    seconds = time.perf_counter() - started
    left = await conn.fetchval("SELECT count(*) FROM pgqueuer")
    await conn.close()
    result = {"seconds": seconds, "processed": ran, "jobs_per_s": n / seconds,
              "note": f"drain mode, batch_size={batch}, max_concurrent_tasks={limit}, 1 asyncpg connection"}
    if queued != n or ran != n or left:
        result["error"] = f"queued {queued}, ran {ran} of {n}, {left} left in the queue"
    return result


async def child_procrastinate(args):
    import procrastinate
    pool_size = args.concurrency + 2  # a connection per concurrent fetch, plus LISTEN and heartbeat
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=args.db_url, min_size=pool_size, max_size=pool_size))
    ran = 0

    @app.task(name="noop")
    async def noop():
        nonlocal ran
        ran += 1

    n, chunk = args.jobs, 5_000
    async with app.open_async():
        await app.schema_manager.apply_schema_async()
        for start in range(0, n, chunk):
            k = min(chunk, n - start)
            await noop.batch_defer_async(*([{}] * k))
        async with app.connector.pool.connection() as conn:
            await conn.set_autocommit(True)
            queued = (await (await conn.execute("SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo'")).fetchone())[0]
            await conn.execute("ANALYZE procrastinate_jobs")
            try:
                await conn.execute("CHECKPOINT")
            except Exception:
                pass
        started = time.perf_counter()
        worker = asyncio.create_task(app.run_worker_async(concurrency=args.concurrency, wait=False, install_signal_handlers=False))
        try:
            await asyncio.wait_for(asyncio.shield(worker), args.timeout)
        except asyncio.TimeoutError:
            worker.cancel()
            try:
                await asyncio.wait_for(worker, 15)
            except BaseException:
                pass
            return {"error": f"timed out after {args.timeout:g} s; {ran}/{n} ran"}
        seconds = time.perf_counter() - started
        async with app.connector.pool.connection() as conn:
            succeeded = (await (await conn.execute("SELECT count(*) FROM procrastinate_jobs WHERE status = 'succeeded'")).fetchone())[0]
    result = {"seconds": seconds, "processed": ran, "jobs_per_s": n / seconds,
              "note": f"concurrency={args.concurrency}, wait=False, pool {pool_size} connections"}
    if queued != n or ran != n or succeeded != n:
        result["error"] = f"queued {queued}, ran {ran}, succeeded {succeeded} of {n}"
    return result


def run_child(args, name, server_url):
    database = f"bench_{name}"
    url = create_database(server_url, database)
    cmd = [sys.executable, os.path.abspath(__file__), "--child", name, "--db-url", url, "--jobs", str(args.jobs),
           "--concurrency", str(args.concurrency), "--timeout", str(args.timeout), "--pgqueuer-batch", str(args.pgqueuer_batch)]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout + 180)
    except subprocess.TimeoutExpired:
        return {"error": f"child process did not finish within {args.timeout + 180:g} s"}
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    return {"error": f"child exited with {done.returncode}: {(done.stderr or done.stdout).strip()[-1500:]}"}


def child_main(args):
    runner = {"pgqueuer": child_pgqueuer, "procrastinate": child_procrastinate}[args.child]
    try:
        result = asyncio.run(runner(args))
    except Exception as error:
        import traceback
        traceback.print_exc()
        result = {"error": f"{type(error).__name__}: {error}"}
    print(json.dumps(result), flush=True)


# ---------------------------------------------------------------------------------------------
# Ceiling


def run_ceiling(args, server_url, work):
    import psycopg
    pgbench = pgbench_path()
    if not pgbench:
        return {"error": "pgbench not found (install postgresql)"}
    url = create_database(server_url, "bench_ceiling")
    n, c, batch = args.jobs, args.concurrency, args.concurrency
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in JOBS_QUEUE_DDL:
            conn.execute(statement)
        conn.execute(INSERT_JOBS, (PLINTH_TYPE, n))
        conn.execute("ANALYZE jobs_queue")
        checkpoint(conn)
        script = os.path.join(work, "ceiling.sql")
        with open(script, "w") as f:
            f.write(CEILING_SCRIPT.format(batch=batch))
        parts = urllib.parse.urlsplit(url)
        env = dict(os.environ)
        if parts.password:
            env["PGPASSWORD"] = urllib.parse.unquote(parts.password)
        query = dict(urllib.parse.parse_qsl(parts.query))
        if "sslmode" in query:
            env["PGSSLMODE"] = query["sslmode"]
        base = [pgbench, "-n", "-f", script, "-M", "prepared", "-c", str(c), "-j", str(min(2, c)),
                "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432), "-U", urllib.parse.unquote(parts.username or "postgres")]
        seconds, rounds, done = 0.0, 0, 0
        deadline = time.monotonic() + args.timeout
        while done < n:
            rounds += 1
            left = n - done
            # Enough transactions for every client to take full batches, plus a little slack for
            # batches cut short near the end; the surplus claims find nothing and cost little.
            per_client = math.ceil(left / (batch * c)) + 2
            remaining = deadline - time.monotonic()
            if remaining <= 0 or rounds > 20:
                return {"error": f"{done}/{n} completed after {rounds - 1} pgbench runs"}
            started = time.monotonic()
            try:
                out = subprocess.run(base + ["-t", str(per_client), parts.path.lstrip("/")], env=env, capture_output=True, text=True, timeout=remaining)
            except subprocess.TimeoutExpired:
                return {"error": f"timed out after {args.timeout:g} s"}
            seconds += time.monotonic() - started
            if out.returncode != 0:
                return {"error": f"pgbench failed ({out.returncode}): {out.stderr.strip()[-800:]}"}
            done = conn.execute("SELECT count(*) FROM jobs_queue WHERE state = 'completed'").fetchone()[0]
    return {"seconds": seconds, "processed": done, "jobs_per_s": n / seconds,
            "note": f"pgbench -c {c} -j {min(2, c)} -M prepared, batch {batch}, claim + complete per transaction" + (f", {rounds} runs" if rounds > 1 else "")}


# ---------------------------------------------------------------------------------------------
# Report


def paired_ratios(runs):
    """Median of Plinth's rate over each peer's in the same round: the figure least moved by a
    noisy spell, since both ran within a minute of each other."""
    plinth = runs.get("plinth") or []
    result = {}
    for name in ("pgqueuer", "ceiling"):
        pairs = [p["jobs_per_s"] / q["jobs_per_s"] for p, q in zip(plinth, runs.get(name) or []) if "jobs_per_s" in p and "jobs_per_s" in q]
        if len(pairs) > 1:
            result[name] = sorted(pairs)[len(pairs) // 2]
    return result


def report(args, results, latency, notes, paired):
    print()
    print(f"Drain of {args.jobs:,} no-op jobs, concurrency {args.concurrency} (same PostgreSQL server, fresh database each; "
          f"median of {args.rounds} alternating rounds)")
    print(f"{'contender':<22}{'seconds':>10}{'jobs/s':>12}  notes")
    labels = {"plinth": "plinth", "pgqueuer": f"pgqueuer {version('pgqueuer')}", "procrastinate": f"procrastinate {version('procrastinate')}", "ceiling": "ceiling pgbench"}
    for name in CONTENDERS:
        if name not in results:
            continue
        r = results[name]
        label = labels[name][:21]
        if "seconds" in r:
            print(f"{label:<22}{r['seconds']:>10.3f}{r['jobs_per_s']:>12,.0f}  {r.get('note', '')}")
        if "error" in r:
            print(f"{label:<22}{'FAILED':>10}{'':>12}  {r['error']}")

    def rate(name):
        r = results.get(name) or {}
        return None if "error" in r or "jobs_per_s" not in r else r["jobs_per_s"]

    def ratio(label, value, extra=""):
        print(f"ratio {label:<26}{value:>8.2f}{extra}")

    plinth, ceiling = rate("plinth"), rate("ceiling")
    peers = [(name, rate(name)) for name in ("pgqueuer", "procrastinate") if rate(name)]
    if results:
        print()
    if plinth is not None:
        for name, value in peers:
            ratio(f"Plinth/{name}", plinth / value)
        if peers:
            best_name, best = max(peers, key=lambda p: p[1])
            verdict = "met" if plinth / best >= 1.5 else "NOT met"
            ratio("Plinth/faster peer", plinth / best, f"   ({best_name}; target >= 1.5: {verdict})")
        for name, value in paired.items():
            ratio(f"Plinth/{name} per round", value, "   (median of the rounds' own ratios)")
        if ceiling:
            ratio("Plinth/ceiling", plinth / ceiling)
    elif ceiling:
        for name, value in peers:
            ratio(f"{name}/ceiling", value / ceiling)
    if latency is not None:
        print()
        print(f"Idle-queue latency, {args.latency_jobs} single jobs via POST /api/jobs {args.latency_interval * 1000:.0f} ms apart (started_at - created_at)")
        if "p50" in latency:
            verdict = "met" if latency["p50"] < 10 else "NOT met"
            print(f"p50 {latency['p50']:.2f} ms   p99 {latency['p99']:.2f} ms   max {latency['max']:.2f} ms   "
                  f"({latency['started']}/{latency['enqueued']} started; target p50 < 10 ms: {verdict})")
        if latency.get("failures"):
            print(f"{latency['failures']} enqueue requests failed; first: {latency.get('first_failure')}")
        if "error" in latency:
            print(f"FAILED: {latency['error']}")
    for note in notes:
        print(f"note: {note}")


def main():
    parser = argparse.ArgumentParser(description="Job queue drain throughput and latency: Plinth vs pgqueuer, procrastinate and a pgbench ceiling.")
    parser.add_argument("--bin", help="folder holding the release `plinth` binary")
    parser.add_argument("--pg-url", default=os.environ.get("PG_URL"), help="PostgreSQL server URL; the benchmark creates and drops its databases there")
    parser.add_argument("--jobs", type=int, default=50_000, help="jobs to drain (default 50000)")
    parser.add_argument("--concurrency", type=int, default=20, help="worker concurrency, Plinth's claim batch and pgbench clients (default 20)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds each contender may take (default 300)")
    parser.add_argument("--pgqueuer-batch", type=int, default=0, help="pgqueuer's batch_size (default --concurrency; its max_concurrent_tasks is twice that, its minimum)")
    parser.add_argument("--rounds", type=int, default=3, help="drains per contender, alternating; medians are reported (default 3; procrastinate runs once)")
    parser.add_argument("--latency-jobs", type=int, default=200)
    parser.add_argument("--latency-interval", type=float, default=0.02, help="seconds between latency enqueues (default 0.02)")
    parser.add_argument("--only", default="all", help="comma-separated: plinth, pgqueuer, procrastinate, ceiling, or 'peers' (all but plinth); default all")
    parser.add_argument("--child", choices=["pgqueuer", "procrastinate"], help=argparse.SUPPRESS)
    parser.add_argument("--db-url", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        child_main(args)
        return
    if not args.pg_url:
        parser.error("--pg-url (or PG_URL) is required")
    selected = []
    for item in args.only.split(","):
        item = item.strip()
        if item == "all":
            selected += CONTENDERS
        elif item == "peers":
            selected += ["pgqueuer", "procrastinate", "ceiling"]
        elif item in CONTENDERS:
            selected.append(item)
        else:
            parser.error(f"unknown contender '{item}'")
    selected = [name for name in CONTENDERS if name in selected]
    if "plinth" in selected and not args.bin:
        parser.error("--bin is required to run Plinth (or use --only peers)")
    if args.concurrency < 1 or args.jobs < 1 or args.rounds < 1:
        parser.error("--jobs, --concurrency and --rounds must be at least 1")

    ensure_packages()
    import psycopg
    with psycopg.connect(args.pg_url, autocommit=True) as conn:
        server = conn.execute("SHOW server_version").fetchone()[0]
    print(f"PostgreSQL {server}; pgqueuer {version('pgqueuer')}, procrastinate {version('procrastinate')}, "
          f"asyncpg {version('asyncpg')}, psycopg {version('psycopg')}; {os.cpu_count()} CPUs", flush=True)

    results, latency, notes, paired = {}, None, [], {}
    runs = {}
    work = tempfile.mkdtemp(prefix="plinth-bench-jobs.")
    try:
        # Rounds alternate the contenders, so a noisy spell on the machine hits all of them.
        for index in range(args.rounds):
            for name in selected:
                if index > 0 and name not in REPEATED:
                    continue
                print(f"running {name} (round {index + 1}) ...", flush=True)
                try:
                    if name == "plinth":
                        # Idle latency once, after the first drain.
                        result, measured = run_plinth(args, args.pg_url, work, notes if index == 0 else [], latency=index == 0)
                        if index == 0:
                            latency = measured
                    elif name == "ceiling":
                        result = run_ceiling(args, args.pg_url, work)
                    else:
                        result = run_child(args, name, args.pg_url)
                except Exception as error:
                    result = {"error": f"{type(error).__name__}: {error}"}
                finally:
                    drop_database(args.pg_url, f"bench_{name}")
                runs.setdefault(name, []).append(result)
        results = {name: summarize(rounds) for name, rounds in runs.items()}
        paired = paired_ratios(runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(args, results, latency, notes, paired)
    if any("error" in r for r in results.values()) or (latency is not None and "error" in latency):
        sys.exit(1)


if __name__ == "__main__":
    main()
