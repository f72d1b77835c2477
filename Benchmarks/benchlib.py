"""Helpers the benchmark scripts share: free loopback ports, waiting for a server, signing in,
memory."""
import json, os, socket, time, urllib.request


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


def verify_email(base_url, data_dir, email):
    """Follows the verification link that the server (PLINTH_DATA_DIR `data_dir`, no SMTP) wrote
    to its mail outbox for `email`: only a verified account creates tenants and API keys."""
    outbox = os.path.join(data_dir, "mail-outbox")
    # The mail is sent by a job after registration answers: give it a few seconds.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for name in sorted(os.listdir(outbox) if os.path.isdir(outbox) else [], reverse=True):
            text = open(os.path.join(outbox, name)).read()
            if f"To: {email}\n" in text.replace("\r", "") and "token=" in text:
                token = text.split("token=", 1)[1].split()[0]
                post_json(f"{base_url}/api/auth/email/verify", {"token": token})
                return
        time.sleep(0.1)
    raise RuntimeError(f"no verification mail to {email} in {outbox} within 10 s")


def sign_in(base_url, data_dir):
    """Registers and verifies a user on `plinth serve` at `base_url` (PLINTH_DATA_DIR `data_dir`),
    creates a tenant it owns and returns the headers its requests carry (bearer token and
    tenant), as a user of the default plugin set (auth included) sends them."""
    account = {"email": "bench@example.com", "password": "benchmark password 1"}
    post_json(f"{base_url}/api/auth/register", account)
    verify_email(base_url, data_dir, account["email"])
    token = post_json(f"{base_url}/api/auth/login", account)["accessToken"]
    bearer = {"Authorization": f"Bearer {token}"}
    tenant = post_json(f"{base_url}/api/tenants", {"name": "Bench"}, bearer)["tenant"]
    return {**bearer, "X-Tenant-ID": tenant}
