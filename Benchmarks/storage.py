#!/usr/bin/env python3
"""Storage benchmark, side by side in one run (release build, S3 = moto_server on loopback):

1. Upload of a 100 MB object through `PUT /api/storage/objects/...` of `plinth serve` vs the
   same upload straight to moto, in alternating rounds; prints median seconds, MB/s and the
   ratio direct time / API time (target >= 0.8). Above the 10 MiB threshold the API must send a
   multipart upload in 5 MiB parts, so the direct upload the target is measured against is
   boto3's upload_file with the same threshold, part size and parts in flight. A single curl
   PUT (SigV4) is printed too: it is less work for moto, which is the bottleneck on loopback.
2. The download through `GET /api/storage/objects/...` vs a signed curl GET straight to moto.
3. Peak RSS of the server during an upload (sampled every 5 ms, in three untimed uploads)
   minus its RSS before it (target growth < 64 MB).

Usage: scripts/bench storage  (or Benchmarks/storage.py --bin .build/release --moto URL)
"""
import argparse, os, signal, statistics, subprocess, sys, tempfile, threading, time
from benchlib import free_port, rss, sign_in, wait_ready

import boto3
from botocore.config import Config

KEY_ID, SECRET = "bench", "bench-secret"
SIZE = 100 * 1000 * 1000


def curl(args):
    started = time.monotonic()
    subprocess.run(["curl", "-sS", "--fail", "-o", "/dev/null"] + args, check=True)
    return time.monotonic() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True, help="folder with the release plinth binary")
    parser.add_argument("--moto", required=True, help="moto_server URL")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="plinth-storage-bench-")
    source = os.path.join(work, "object.bin")
    with open(source, "wb") as f:
        for _ in range(SIZE // (1 << 20)):
            f.write(os.urandom(1 << 20))
        f.write(os.urandom(SIZE % (1 << 20)))

    bucket = "bench-" + str(int(time.time()))
    s3 = boto3.client("s3", endpoint_url=args.moto, region_name="us-east-1", aws_access_key_id=KEY_ID,
                      aws_secret_access_key=SECRET, config=Config(s3={"addressing_style": "path"}))
    s3.create_bucket(Bucket=bucket)

    port = free_port()
    env = dict(os.environ, PORT=str(port), PLINTH_DATA_DIR=work, LOG_LEVEL="warning", STORAGE_BUCKET=bucket,
               STORAGE_ENDPOINT=args.moto, STORAGE_FORCE_PATH_STYLE="true", STORAGE_ACCESS_KEY_ID=KEY_ID,
               STORAGE_SECRET_ACCESS_KEY=SECRET)
    server = subprocess.Popen([os.path.join(args.bin, "plinth"), "serve"], env=env, cwd=work,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    api = f"http://127.0.0.1:{port}"
    try:
        wait_ready(api + "/ready")
        sigv4 = ["--aws-sigv4", "aws:amz:us-east-1:s3", "--user", f"{KEY_ID}:{SECRET}"]
        # Signed in as a tenant owner, as a user of the default plugin set (auth included) is.
        tenant = [arg for name, value in sign_in(api, work).items() for arg in ("-H", f"{name}: {value}")]
        # Warm both paths once.
        curl(["-T", source] + tenant + [f"{api}/api/storage/objects/warm.bin"])
        curl(["-T", source] + sigv4 + [f"{args.moto}/{bucket}/direct-warm.bin"])

        up_api, up_direct, up_boto, down_api, down_direct, growth = [], [], [], [], [], []
        from boto3.s3.transfer import TransferConfig
        # Plinth's defaults: STORAGE_MULTIPART_THRESHOLD, STORAGE_PART_SIZE, STORAGE_UPLOAD_CONCURRENCY.
        same_parts = TransferConfig(multipart_threshold=10 * 2**20, multipart_chunksize=5 * 2**20, max_concurrency=6)
        for i in range(args.rounds):
            up_api.append(curl(["-T", source, "-H", "content-type: application/octet-stream"] + tenant + [f"{api}/api/storage/objects/round{i}.bin"]))
            up_direct.append(curl(["-T", source, "-H", "content-type: application/octet-stream"] + sigv4 + [f"{args.moto}/{bucket}/direct{i}.bin"]))
            started = time.monotonic()
            s3.upload_file(source, bucket, f"boto{i}.bin", Config=same_parts)
            up_boto.append(time.monotonic() - started)
            down_api.append(curl(tenant + [f"{api}/api/storage/objects/round{i}.bin"]))
            down_direct.append(curl(sigv4 + [f"{args.moto}/{bucket}/direct{i}.bin"]))
        # Memory in rounds of its own: sampling every 5 ms takes CPU the timed uploads would miss.
        for i in range(3):
            before = rss(server.pid)
            peak = [before]
            done = threading.Event()

            def sample():
                while not done.is_set():
                    peak[0] = max(peak[0], rss(server.pid))
                    time.sleep(0.005)

            sampler = threading.Thread(target=sample)
            sampler.start()
            curl(["-T", source, "-H", "content-type: application/octet-stream"] + tenant + [f"{api}/api/storage/objects/memory{i}.bin"])
            done.set()
            sampler.join()
            growth.append(peak[0] - before)

        def line(name, api_times, direct_times):
            a, d = statistics.median(api_times), statistics.median(direct_times)
            print(f"{name:9} api {a:6.2f} s ({SIZE / a / 1e6:6.1f} MB/s)   direct {d:6.2f} s ({SIZE / d / 1e6:6.1f} MB/s)   ratio {d / a:.2f}")
            return d / a

        print(f"storage: 100 MB object, {args.rounds} alternating rounds, medians (ratio = API throughput / direct; target >= 0.8)")
        up = line("upload", up_api, up_boto)
        print("           (direct = boto3 upload_file, 10 MiB threshold, 5 MiB parts, 6 in flight: the multipart work the API does)")
        line("  vs PUT", up_api, up_direct)
        print("           (direct = one signed curl PUT of the whole object: no parts for moto to store and join)")
        down = line("download", down_api, down_direct)
        print(f"server RSS growth during upload (3 uploads): median {statistics.median(growth) / 2**20:.1f} MiB, max {max(growth) / 2**20:.1f} MiB (target < 64)")
        print(f"server peak RSS (VmHWM) {rss(server.pid, 'VmHWM') / 2**20:.1f} MiB")
        return 0 if up >= 0.8 and down >= 0.8 and max(growth) < 64 * 2**20 else 1
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    sys.exit(main())
