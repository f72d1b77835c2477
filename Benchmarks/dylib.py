#!/usr/bin/env python3
"""Shared-object plugin benchmark, side by side in one run (release build):

requests per second of the same route, `GET .../greet/:name` answering "hello <name>", served
by a C plugin loaded through the ABI (Benchmarks/dylib/bench_c.c, built here with cc -O2) and by
an in-process Swift plugin, all in one `plinth-bench dylib` server; wrk in alternating rounds.
The C plugin is loaded twice: flagged PLINTH_PLUGIN_INLINE_HANDLERS (its handler runs on the
request thread) and without (each call handed to a worker thread, the default for plugins whose
handlers may block on the database). Prints medians and ratios (target >= 0.9).

Usage: scripts/bench dylib  (or Benchmarks/dylib.py --bin .build/release)
"""
import argparse, os, subprocess, sys, tempfile
from benchlib import free_port, wait_ready
from kernel import alternate, report, start, stop

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=".build/release")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--seconds", type=int, default=6)
    ap.add_argument("--connections", type=int, default=32)
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


if __name__ == "__main__":
    sys.exit(main())
