"""Helpers the benchmark scripts share: free loopback ports, waiting for a server, signing in,
memory."""
import json, socket, time, urllib.request


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_ready(url, timeout=30.0, interval=0.02, proc=None):
    """Waits until `url` answers 200; fails early if `proc` (the server) exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server exited with status {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return True
        except Exception:
            pass
        time.sleep(interval)
    raise RuntimeError(f"{url} did not answer 200 within {timeout:.0f} s")


def rss(pid, field="VmRSS"):
    """A process's resident memory in bytes (`VmRSS`, or `VmHWM` for the peak)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def post_json(url, body, headers=None):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=10) as r:
        return json.loads(r.read() or b"{}")


def sign_in(base_url):
    """Registers a user on `plinth serve` at `base_url`, creates a tenant it owns and returns the
    headers its requests carry (bearer token and tenant), as a user of the default plugin set
    (auth included) sends them."""
    account = {"email": "bench@example.com", "password": "benchmark password 1"}
    post_json(f"{base_url}/api/auth/register", account)
    token = post_json(f"{base_url}/api/auth/login", account)["accessToken"]
    bearer = {"Authorization": f"Bearer {token}"}
    tenant = post_json(f"{base_url}/api/tenants", {"name": "Bench"}, bearer)["tenant"]
    return {**bearer, "X-Tenant-ID": tenant}
