#!/usr/bin/env python3
"""Realtime benchmarks, side by side in one run (release build):

1. Delivered rate with 1,000 WebSocket subscribers on one instance: the kernel's `/ws` (a
   plugin channel, SQLite) next to a bare hummingbird-websocket broadcast server
   (`plinth-bench bare-ws`), in alternating rounds at an offered load above what either
   delivers; prints medians and the ratio (target >= 0.8).
2. Publish-to-receive latency at 10,000 delivered messages/s: 1,000 subscribers spread over two
   instances on one PostgreSQL, messages published on the first (target p99 < 50 ms).
3. Memory with one deliberately slow consumer (subscribes, never reads) beside 100 fast ones,
   16 KiB messages: the server's RSS before, at peak and after, for the kernel (bounded queues close it with
   1013) and the bare server (unbounded queues).

The client is `plinth-bench load` (Swift, one process, all subscribers and the publisher), so
that the measurement is the servers', not a Python event loop's.

Usage: scripts/bench realtime  (or Benchmarks/realtime.py --bin .build/release --pg-url postgres://...)
"""
import argparse, json, os, socket, statistics, subprocess, sys, tempfile, threading, time
from benchlib import free_port, rss, wait_ready
from kernel import start, stop


def load(bench, urls, publish, subscribers, rate, seconds, bare=False, size=0):
    cmd = [bench, "load", "--urls", ",".join(urls), "--publish", publish, "--subscribers", str(subscribers),
           "--rate", str(rate), "--seconds", str(seconds), "--size", str(size)] + (["--bare"] if bare else [])
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 120)
    if out.returncode != 0:
        raise RuntimeError(f"plinth-bench load failed ({out.returncode}): {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def wait_http(port, proc):
    """The kernel answers /ready; the bare server has no HTTP route, so a refused upgrade will do."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server on {port} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server on {port} did not listen")


class SlowConsumer:
    """Subscribes (kernel: the subscribe message; bare: the connection is the subscription)
    and never reads again; `close_frame()` then reads what is left and reports how it ended."""

    def __init__(self, port, path, subscribe):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.sock.recv(1)
        if not head.startswith(b"HTTP/1.1 101"):
            raise RuntimeError(f"slow consumer: {head[:80]!r}")
        if subscribe:
            text = b'{"type":"subscribe","channel":"feed"}'
            self.sock.sendall(bytes([0x81, 0x80 | len(text), 0, 0, 0, 0]) + text)

    def ending(self, timeout=20):
        """Reads until the server closes; the close code of the last frame if it was one."""
        deadline = time.monotonic() + timeout
        data, received = b"", 0
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    return f"still open after {timeout} s, {received / 2**20:.1f} MB read"
                self.sock.settimeout(left)
                chunk = self.sock.recv(1 << 20)
                if not chunk:
                    break
                received += len(chunk)
                data = (data + chunk)[-64:]
        except socket.timeout:
            return f"still open after {timeout} s, {received / 2**20:.1f} MB read"
        finally:
            self.sock.close()
        tail = data[-64:]
        at = tail.rfind(b"\x88")
        if at >= 0 and at + 4 <= len(tail):
            return f"closed {int.from_bytes(tail[at + 2:at + 4], 'big')} {tail[at + 4:].decode(errors='replace')}"
        return "closed without a close frame"


def sample_rss(pid, until, samples):
    while not until.is_set():
        samples.append(rss(pid))
        time.sleep(0.25)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=".build/release")
    ap.add_argument("--pg-url", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--subscribers", type=int, default=1000)
    ap.add_argument("--seconds", type=int, default=8)
    ap.add_argument("--offered", type=float, default=200.0, help="messages/s published in part 1 (each goes to every subscriber)")
    args, _ = ap.parse_known_args()
    bench = os.path.abspath(os.path.join(args.bin, "plinth-bench"))
    work = tempfile.mkdtemp(prefix="plinth-realtime-")
    env = dict(os.environ, PLINTH_DATA_DIR=os.path.join(work, "data"), LOG_LEVEL="warning", PLINTH_LOG_FORMAT="text")
    env.pop("DATABASE_URL", None)
    procs = []

    def server(kind, server_env):
        port = free_port()
        proc = start([bench, kind, str(port)], server_env, work)
        procs.append(proc)
        if kind == "realtime":
            wait_ready(f"http://127.0.0.1:{port}/ready", proc=proc)
        else:
            wait_http(port, proc)
        return port, proc

    try:
        # 1. One instance, alternating rounds.
        bare_port, bare = server("bare-ws", env)
        kernel_port, kernel = server("realtime", env)
        sides = {
            "bare": ([f"ws://127.0.0.1:{bare_port}/ws"], f"ws://127.0.0.1:{bare_port}/publish", True),
            "kernel": ([f"ws://127.0.0.1:{kernel_port}/ws"], f"ws://127.0.0.1:{kernel_port}/api/feed/publish", False),
        }
        rounds = {name: [] for name in sides}
        for name, (urls, publish, is_bare) in sides.items():  # warm-up
            load(bench, urls, publish, args.subscribers, args.offered, 2, bare=is_bare)
        for _ in range(args.rounds):
            for name, (urls, publish, is_bare) in sides.items():
                rounds[name].append(load(bench, urls, publish, args.subscribers, args.offered, args.seconds, bare=is_bare))
        print(f"1. one instance, {args.subscribers} subscribers, {args.offered:.0f} messages/s offered "
              f"({args.offered * args.subscribers:.0f} deliveries/s), {args.rounds} rounds x {args.seconds} s")
        medians = {}
        for name, runs in rounds.items():
            medians[name] = statistics.median(r["rate"] for r in runs)
            shown = ", ".join(f"{r['rate']:.0f}" for r in runs)
            lost = sum(r["expected"] - r["delivered"] for r in runs)
            print(f"  {name:7s} median {medians[name]:9.0f} delivered/s   rounds [{shown}]   "
                  f"p50 {statistics.median(r['p50_ms'] for r in runs):.1f} ms p99 {statistics.median(r['p99_ms'] for r in runs):.1f} ms   "
                  f"undelivered {lost:.0f}, subscribers closed {sum(r['closed'] for r in runs):.0f}")
        print(f"  ratio kernel/bare: {medians['kernel'] / medians['bare']:.3f}   (target >= 0.8)")
        for proc in (bare, kernel):
            stop(proc)
            procs.remove(proc)

        # 2. Two instances on one PostgreSQL, 10,000 deliveries/s.
        pg_env = dict(env, DATABASE_URL=args.pg_url)
        a_port, _ = server("realtime", pg_env)
        b_port, _ = server("realtime", pg_env)
        urls = [f"ws://127.0.0.1:{a_port}/ws", f"ws://127.0.0.1:{b_port}/ws"]
        rate = 10_000 / args.subscribers
        runs = [load(bench, urls, f"ws://127.0.0.1:{a_port}/api/feed/publish", args.subscribers, rate, args.seconds) for _ in range(args.rounds)]
        print(f"2. two instances on PostgreSQL, {args.subscribers} subscribers half on each, {rate:.0f} messages/s published on one "
              f"({rate * args.subscribers:.0f} deliveries/s), {args.rounds} rounds x {args.seconds} s")
        for r in runs:
            print(f"  delivered {r['delivered']:.0f}/{r['expected']:.0f} at {r['rate']:.0f}/s   p50 {r['p50_ms']:.1f} ms   p99 {r['p99_ms']:.1f} ms   max {r['max_ms']:.1f} ms")
        print(f"  median p99 {statistics.median(r['p99_ms'] for r in runs):.1f} ms   (target < 50 ms)")
        while procs:
            stop(procs.pop())

        # 3. A slow consumer beside the fast ones: memory.
        fast, size, slow_rate, slow_seconds = 100, 16384, 50, 24
        print(f"3. one slow consumer beside {fast} fast ones, {slow_rate} messages/s of {size // 1024} KiB for {slow_seconds} s "
              f"({slow_rate * size * slow_seconds / 2**20:.0f} MiB the slow one does not read); RSS at each third of the run")
        for name, kind, path, publish_path in (("kernel", "realtime", "/ws", "/api/feed/publish"), ("bare", "bare-ws", "/ws", "/publish")):
            port, proc = server(kind, env)
            slow = SlowConsumer(port, path, subscribe=(kind == "realtime"))
            time.sleep(0.5)
            before = rss(proc.pid)
            samples, done = [], threading.Event()
            sampler = threading.Thread(target=sample_rss, args=(proc.pid, done, samples))
            sampler.start()
            r = load(bench, [f"ws://127.0.0.1:{port}{path}"], f"ws://127.0.0.1:{port}{publish_path}", fast, slow_rate,
                     slow_seconds, bare=(kind == "bare-ws"), size=size)
            done.set()
            sampler.join()
            after = rss(proc.pid)
            ending = slow.ending(timeout=5)
            thirds = [samples[min(len(samples) - 1, len(samples) * k // 3)] / 2**20 for k in (1, 2, 3)] if samples else []
            shown = " / ".join(f"{m:.1f}" for m in thirds)
            print(f"  {name:7s} RSS before {before / 2**20:6.1f} MB, at thirds {shown} MB, after {after / 2**20:6.1f} MB   "
                  f"fast delivered {r['delivered']:.0f}/{r['expected']:.0f}   slow consumer: {ending}")
            stop(proc)
            procs.remove(proc)
    finally:
        for proc in procs:
            stop(proc)


if __name__ == "__main__":
    sys.exit(main())
