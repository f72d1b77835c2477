"""The signed-in benchmark's Python peer: FastAPI on uvicorn (one worker per core), asyncpg or
sqlite3, PyJWT. It verifies the same HS256 access tokens as `plinth serve` and runs the same
statements as the bare Swift peer (`plinth-bench signed-in-bare`), on the database Plinth
created: what a Python team would write instead.

Settings come from the environment, as uvicorn starts one copy per worker:
BENCH_DATABASE (a postgres:// URL or a SQLite file path), BENCH_JWT_SECRET, BENCH_ISSUER,
BENCH_AUDIENCE, BENCH_NAMESPACE (prefix of the notification channels).

Run: python3 -m uvicorn signed_in_fastapi:app --app-dir Benchmarks --workers 2 --port P
"""
import hashlib, json, os, sqlite3, time, uuid

import jwt
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse

DATABASE = os.environ["BENCH_DATABASE"]
SECRET = os.environ["BENCH_JWT_SECRET"]
ISSUER = os.environ.get("BENCH_ISSUER", "plinth-bench")
AUDIENCE = os.environ.get("BENCH_AUDIENCE", "plinth")
NAMESPACE = os.environ.get("BENCH_NAMESPACE", "bench")
POSTGRES = DATABASE.startswith("postgres")

USER_COLUMNS = "id, email, name, password_hash, email_verified_at, failed_attempts, locked_until, disabled_at, created_at"
JOB_COLUMNS = "id, type, payload, tenant, state, priority, attempt, max_attempts, run_at, unique_key, last_error, created_at, started_at, finished_at"
SESSION_SQL = "SELECT subject, data, created_at, expires_at, last_seen_at FROM plinth_sessions WHERE id_hash = $1 AND expires_at > $2 AND last_seen_at > $3"
INSERT_SQL = """INSERT INTO jobs_queue (type, payload, tenant, state, priority, attempt, max_attempts, run_at, unique_key, created_at)
VALUES ($1, $2, $3, 'available', 0, 0, 3, $4, NULL, $5) ON CONFLICT DO NOTHING RETURNING id"""

app = FastAPI()
state = {}
# Key hash -> tenant (or None), as Plinth keeps key holders.
holders = {}


@app.on_event("startup")
async def connect():
    if POSTGRES:
        import asyncpg
        state["pool"] = await asyncpg.create_pool(DATABASE, min_size=2, max_size=5)
    else:
        state["sqlite"] = sqlite3.connect(DATABASE, isolation_level=None, check_same_thread=False)


async def rows(sql, *args):
    if POSTGRES:
        return [dict(r) for r in await state["pool"].fetch(sql, *args)]
    cursor = state["sqlite"].execute(sql.replace("$", "?"), args)
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, r)) for r in cursor.fetchall()]


def subject(request: Request):
    header = request.headers.get("authorization", "")
    if not header.startswith("Bearer "):
        raise HTTPException(401)
    try:
        claims = jwt.decode(header[7:], SECRET, algorithms=["HS256"], audience=AUDIENCE, issuer=ISSUER)
    except jwt.PyJWTError:
        raise HTTPException(401)
    return claims["sub"]


@app.get("/health")
async def health():
    return {"status": "ok"}


@app.get("/api/auth/me")
async def me(request: Request):
    if "authorization" in request.headers:
        user, method = subject(request), "bearer"
    elif "plinth_session" in request.cookies:
        now = time.time()
        digest = hashlib.sha256(request.cookies["plinth_session"].encode()).hexdigest()
        found = await rows(SESSION_SQL, digest, now, now - 86_400 * 365)
        if not found or not found[0]["subject"]:
            raise HTTPException(401)
        user, method = found[0]["subject"], "session"
    else:
        raise HTTPException(401)
    found = await rows(f"SELECT {USER_COLUMNS} FROM auth_users WHERE id = $1", user)
    if not found:
        raise HTTPException(401)
    row = found[0]
    view = {"id": row["id"], "email": row["email"], "name": row["name"],
            "emailVerified": row["email_verified_at"] is not None, "createdAt": row["created_at"]}
    return {"user": view, "method": method, "tenant": None, "tenants": []}


@app.get("/api/jobs")
async def jobs(request: Request, limit: int = 50):
    key = request.headers.get("x-api-key")
    if key is not None:
        digest = hashlib.sha256(key.encode()).hexdigest()
        if digest not in holders:
            found = await rows("SELECT tenant_id FROM auth_api_keys WHERE key_hash = $1 AND revoked_at IS NULL", digest)
            holders[digest] = found[0]["tenant_id"] if found else None
        tenant = holders[digest]
        if tenant is None:
            raise HTTPException(401)
    else:
        subject(request)
        tenant = request.headers.get("x-tenant-id")
        if tenant is None:
            raise HTTPException(403)
    found = await rows(f"SELECT {JOB_COLUMNS} FROM jobs_queue WHERE 1 = 1 AND tenant = $1 ORDER BY id DESC LIMIT $2", tenant, limit)
    return {"jobs": [{"id": r["id"], "type": r["type"], "state": r["state"], "tenant": r["tenant"],
                      "attempt": r["attempt"], "runAt": r["run_at"]} for r in found]}


@app.post("/api/jobs", status_code=201)
async def enqueue(request: Request):
    subject(request)
    tenant = request.headers.get("x-tenant-id")
    if tenant is None:
        raise HTTPException(403)
    body = await request.json()
    payload = json.dumps(body.get("payload") or {})
    now = time.time()
    if POSTGRES:
        async with state["pool"].acquire() as connection:
            async with connection.transaction():
                job = await connection.fetchval(INSERT_SQL, body["type"], payload, tenant, now, now)
                event = json.dumps({"id": str(uuid.uuid4()), "name": "jobs.state", "source": "jobs",
                                    "payload": json.dumps({"id": job, "state": "available"})})
                await connection.execute("SELECT pg_notify($1, $2), pg_notify($3, $4)",
                                         f"{NAMESPACE}_plinth_events", event, f"{NAMESPACE}_jobs_wake", body["type"])
    else:
        db = state["sqlite"]
        db.execute("BEGIN IMMEDIATE")
        try:
            job = db.execute(INSERT_SQL.replace("$", "?"), (body["type"], payload, tenant, now, now)).fetchone()[0]
            db.execute("COMMIT")
        except Exception:
            db.execute("ROLLBACK")
            raise
    return JSONResponse({"id": job}, status_code=201)
