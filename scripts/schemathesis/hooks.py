"""Schemathesis auth for a live `plinth serve`: signs up once as a verified user who owns a
tenant, and sends that user's bearer token and tenant on every request.

The verification link is read from the development mail outbox, $PLINTH_DATA_DIR/mail-outbox.
"""
import glob
import os
import re
import time
import uuid

import requests
from hypothesis import strategies as st
import schemathesis

OUTBOX = os.path.join(os.environ["PLINTH_DATA_DIR"], "mail-outbox")
PASSWORD = "correct horse battery staple"


def _token_for(email, subject, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        for path in sorted(glob.glob(os.path.join(OUTBOX, "*.eml"))):
            with open(path, encoding="utf-8", newline="") as mail:
                text = mail.read()
            if f"To: {email}\r\n" in text and f"Subject: {subject}\r\n" in text:
                match = re.search(r"token=([A-Za-z0-9_\-]+)", text)
                if match:
                    return match.group(1)
        time.sleep(0.1)
    raise RuntimeError(f"no '{subject}' mail to {email} in {OUTBOX}")


@schemathesis.auth()
class TenantOwner:
    """A fresh verified account and tenant; fetched again whenever a request gets 401 (the run
    signs itself out, changes its password, revokes its sessions)."""

    def get(self, case, ctx):
        base = ctx.operation.schema.get_base_url().rstrip("/")
        email = f"owner-{uuid.uuid4().hex[:12]}@example.com"
        answer = requests.post(f"{base}/api/auth/register", json={"email": email, "password": PASSWORD}, timeout=10)
        answer.raise_for_status()
        token = _token_for(email, "Verify your email address")
        requests.post(f"{base}/api/auth/email/verify", json={"token": token}, timeout=10).raise_for_status()
        login = requests.post(f"{base}/api/auth/login", json={"email": email, "password": PASSWORD}, timeout=10)
        login.raise_for_status()
        access = login.json()["accessToken"]
        tenant = requests.post(f"{base}/api/tenants", json={"name": "Schemathesis"}, timeout=10,
                               headers={"Authorization": f"Bearer {access}"})
        tenant.raise_for_status()
        return {"token": access, "tenant": tenant.json()["tenant"]}

    def set(self, case, data, ctx):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data['token']}"
        # The owner's tenant wherever the operation takes one (a made-up one would only be
        # refused before the handler); nowhere else.
        declared = any(p.get("in") == "header" and p.get("name", "").lower() == "x-tenant-id"
                       for p in ctx.operation.definition.raw.get("parameters", []))
        for name in [n for n in case.headers if n.lower() == "x-tenant-id"]:
            del case.headers[name]
        if declared:
            case.headers["X-Tenant-ID"] = data["tenant"]


def _cron_field(low, high):
    """One field of a cron expression: lists of values, ranges (low before high) and steps."""
    value = st.integers(low, high).map(str)
    span = st.tuples(st.integers(low, high), st.integers(low, high)).map(lambda p: f"{min(p)}-{max(p)}")
    item = st.one_of(st.just("*"), value, span)
    stepped = st.tuples(item, st.one_of(st.none(), st.integers(1, high - low + 1))).map(
        lambda t: t[0] if t[1] is None else f"{t[0]}/{t[1]}")
    return st.lists(stepped, min_size=1, max_size=3).map(",".join)


# `format: cron` in the document: five fields (days of the month up to 28, so that every
# expression fires in every month), or a macro.
schemathesis.openapi.format("cron", st.one_of(
    st.sampled_from(["@hourly", "@daily", "@weekly", "@monthly", "@yearly"]),
    st.tuples(_cron_field(0, 59), _cron_field(0, 23), _cron_field(1, 28), _cron_field(1, 12), _cron_field(0, 7)).map(" ".join),
))
