#!/usr/bin/env python3
"""Kernel benchmarks, side by side in one run (release build):

1. Throughput of a plugin route through the full kernel stack vs a bare Hummingbird route,
   measured with wrk in alternating rounds; prints medians and the ratio (target >= 0.85).
2. Time from process start to the first `/ready` 200 of `plinth serve` on SQLite with
   migrations already applied (target < 500 ms); median of several starts.
3. Idle RSS of `plinth serve` after boot.

Usage: scripts/bench  (or Benchmarks/kernel.py --bin .build/release)
"""
import argparse, os, re, signal, statistics, subprocess, sys, tempfile, time
from benchlib import free_port, wait_ready






def wrk(url, seconds, connections, threads=1):
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+([\d.]+\w+)", out).group(1)
    p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} non-2xx responses")
    return rps, p50, p99


def alternate(urls, rounds, seconds, connections):
    """wrk on each of `urls` (name -> url) after a 2 s warm-up, in alternating rounds so that
    machine noise hits every side alike; returns name -> [(rps, p50, p99)] and name -> median rps."""
    for url in urls.values():
        wrk(url, 2, connections)
    results = {name: [] for name in urls}
    for _ in range(rounds):
        for name, url in urls.items():
            results[name].append(wrk(url, seconds, connections))
    return results, {k: statistics.median(r[0] for r in v) for k, v in results.items()}


def report(results, medians, width=7):
    for k, runs in results.items():
        rounds = ", ".join(f"{r[0]:.0f}" for r in runs)
        print(f"  {k:{width}s} median {medians[k]:9.0f} req/s   rounds [{rounds}]   last p50 {runs[-1][1]} p99 {runs[-1][2]}")


def start(cmd, env, cwd):
    return subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=".build/release")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=8)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--boots", type=int, default=9)
    args = ap.parse_args()
    bench = os.path.abspath(os.path.join(args.bin, "plinth-bench"))
    plinth = os.path.abspath(os.path.join(args.bin, "plinth"))
    work = tempfile.mkdtemp(prefix="plinth-bench-")
    env = dict(os.environ, PLINTH_DATA_DIR=os.path.join(work, "data"), LOG_LEVEL="info", PLINTH_LOG_FORMAT="text")
    env.pop("DATABASE_URL", None)

    # 1. Throughput, alternating rounds so that machine noise hits both sides alike.
    # "kernel" is the default configuration, one access-log line per request (to /dev/null);
    # "quiet" is the same stack with LOG_LEVEL=warning, to show what the access log costs.
    servers = {
        "bare": ([bench, "bare"], env, "/hello"),
        "kernel": ([bench, "kernel"], env, "/ready"),
        "quiet": ([bench, "kernel"], dict(env, LOG_LEVEL="warning", PLINTH_DATA_DIR=os.path.join(work, "quiet")), "/ready"),
    }
    ports, procs = {}, []
    try:
        for name, (cmd, server_env, probe) in servers.items():
            ports[name] = free_port()
            procs.append(start(cmd + [str(ports[name])], server_env, work))
            wait_ready(f"http://127.0.0.1:{ports[name]}{probe}")
        results, med = alternate({name: f"http://127.0.0.1:{port}/hello" for name, port in ports.items()}, args.rounds, args.seconds, args.connections)
    finally:
        for proc in procs:
            stop(proc)
    print(f"throughput ({args.rounds} rounds x {args.seconds}s, {args.connections} connections, wrk 1 thread)")
    report(results, med)
    print(f"  ratio kernel/bare: {med['kernel'] / med['bare']:.3f}   (target >= 0.85)")
    print(f"  ratio quiet/bare:  {med['quiet'] / med['bare']:.3f}   (kernel without the access-log line)")

    # 2. Boot to /ready with migrations applied, and 3. idle RSS.
    subprocess.run([plinth, "migrate", "up"], env=env, cwd=work, check=True, capture_output=True)
    boots, rss = [], []
    for _ in range(args.boots):
        port = free_port()
        t0 = time.monotonic()
        proc = start([plinth, "serve"], dict(env, PORT=str(port)), work)
        wait_ready(f"http://127.0.0.1:{port}/ready", interval=0.001)
        boots.append((time.monotonic() - t0) * 1000)
        time.sleep(1.0)
        rss.append(rss_mb(proc.pid))
        stop(proc)
    print(f"boot to /ready 200 (SQLite, migrations applied, {args.boots} starts)")
    print(f"  median {statistics.median(boots):.0f} ms   min {min(boots):.0f}   max {max(boots):.0f}   (target < 500 ms)")
    print(f"idle RSS after boot: median {statistics.median(rss):.1f} MB")


if __name__ == "__main__":
    sys.exit(main())
