"""The desk with 100k tickets, on SQLite and on PostgreSQL (when one answers on 127.0.0.1:5432):
- server time p50/p99 of the queue (default filter, a search, a deep page) and a ticket page, requests
  made one after another in the process, and the SQL statements each runs (the same at 100 tickets);
- requests/s and p50/p99 under load: gunicorn with 2 workers and 4 client processes, next to a bare
  Flask page with one indexed query on the same database;
- search latency per query path, with its plan.
Prints figures; asserts only that pages answer 200. Run with `make bench` (the databases are built once:
about a minute each; the SQLite file lives under instance/bench/)."""
import http.client
import multiprocessing
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from portal import create_app
from portal.extensions import db
from portal.models import Ticket
from portal.services.queue import search_condition
from tests.bench import bigdb
from tests.conftest import count_queries

ROOT = Path(__file__).resolve().parents[2]
SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "4"))
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PG_BENCH = "postgresql+psycopg://postgres@127.0.0.1:5432/portal_bench"


def _postgres_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=0.5).close()
    except OSError:
        return False
    engine = sa.create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
                              isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = 'portal_bench'")):
            conn.execute(sa.text("CREATE DATABASE portal_bench"))
    engine.dispose()
    return True


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database(request):
    if request.param == "postgresql":
        if not _postgres_answers():
            pytest.skip("PostgreSQL does not answer on 127.0.0.1:5432")
        url = os.environ.get("BENCH_DATABASE_URL", PG_BENCH)
    else:
        url = bigdb.sqlite_url()
    started = time.perf_counter()
    bigdb.build(url)
    print(f"\n[{request.param}] {bigdb.TICKETS} tickets ready in {time.perf_counter() - started:.0f} s")
    return url


@pytest.fixture(scope="module")
def bench_app(database):
    app = create_app(bigdb.bench_config(database))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def serve(app_path: str, url: str):
    port = free_port()
    # Two workers share rate-limit counters in Redis (the desk pages measured here never touch them).
    env = {**os.environ, "DATABASE_URL": url, "PORTAL_ENV": "production", "SECRET_KEY": secrets.token_hex(32),
           "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379", "SESSION_COOKIE_SECURE": "0",
           "TASKS_IN_PROCESS": "0", "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}",
                                "--log-level", "warning", app_path], cwd=ROOT, env=env)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def request(port, path, headers=None, method="GET", body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response, data


def sign_in(port, email, password) -> str:
    response, page = request(port, "/login")
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = CSRF_RE.search(page.decode()).group(1)
    response, _ = request(port, "/login", {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
                          "POST", urlencode({"email": email, "password": password, "csrf_token": token}))
    assert response.status == 302, response.status
    return response.getheader("Set-Cookie").split(";")[0]


def _client(port, paths, headers, seconds, results):
    done, errors, latencies = 0, 0, []
    deadline = time.perf_counter() + seconds
    i = 0
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        response, _ = request(port, paths[i % len(paths)], headers)
        latencies.append(time.perf_counter() - started)
        i += 1
        if response.status == 200:
            done += 1
        else:
            errors += 1
    results.put((done, errors, latencies))


def percentiles(seconds: list[float]) -> tuple[float, float]:
    ordered = sorted(seconds)
    return ordered[len(ordered) // 2] * 1000, ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000


def load(port, paths, headers=None) -> tuple[float, int, float, float]:
    """Requests/s over SECONDS with CLIENTS processes, the number of non-200 answers, p50 and p99 in ms."""
    for path in paths[:3]:
        request(port, path, headers)  # warm both workers' caches
    results = multiprocessing.Queue()
    clients = [multiprocessing.Process(target=_client, args=(port, paths, headers or {}, SECONDS, results))
               for _ in range(CLIENTS)]
    for c in clients:
        c.start()
    parts = [results.get() for _ in clients]
    for c in clients:
        c.join()
    return (sum(p[0] for p in parts) / SECONDS, sum(p[1] for p in parts),
            *percentiles([x for p in parts for x in p[2]]))


def signed_in_client(app):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"email": "agent@example.com", "password": "agent-demo",
                                "csrf_token": CSRF_RE.search(page).group(1)})
    return client


def pages(ids, phone_digits) -> dict[str, list[str]]:
    return {
        "queue, default filter": ["/desk/tickets"],
        "queue, search 黑屏": ["/desk/tickets?q=%E9%BB%91%E5%B1%8F"],
        f"queue, search {phone_digits}": [f"/desk/tickets?q={phone_digits}"],
        "queue, page 40 of all": ["/desk/tickets?status=all&sort=new&page=40"],
        "queue rows (htmx), P2": ["/desk/tickets?priority=P2"],
        "ticket page": [f"/desk/tickets/{i}" for i in ids],
    }


def sample(app):
    with app.app_context():
        ids = db.session.scalars(db.select(Ticket.id).where(Ticket.status != "closed")
                                 .order_by(Ticket.id.desc()).limit(200)).all()
        phone = db.session.scalar(db.select(Ticket.contact_phone).where(Ticket.id == ids[0]))
    return ids, phone[-4:]


def test_server_time_and_queries(database, bench_app):
    """One request after another in the process: the server's own time, no network, no contention."""
    app = bench_app
    ids, digits = sample(app)
    client = signed_in_client(app)
    name = app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0]
    print(f"\n[{name}] server time over 200 requests each (p50 / p99), SQL statements per request:")
    for label, paths in pages(ids, digits).items():
        headers = {"HX-Request": "true"} if "htmx" in label else {}
        times = []
        for i in range(220):
            started = time.perf_counter()
            response = client.get(paths[i % len(paths)], headers=headers)
            if i >= 20:
                times.append(time.perf_counter() - started)
            assert response.status_code == 200
        p50, p99 = percentiles(times)
        print(f"  {label:28s} p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   "
              f"{count_queries(app, client, paths[0])} queries")


def test_pages_under_load(database, bench_app):
    app = bench_app
    ids, digits = sample(app)
    name = database.split(":")[0]
    baseline, base_port = serve("tests.bench.baseline_app:app", database)
    portal, port = serve("wsgi:app", database)
    try:
        rps, errors, p50, p99 = load(base_port, [f"/t/{i}" for i in ids])
        print(f"\n[{name}] gunicorn -w 2, {CLIENTS} client processes on the same 2 cores, {SECONDS:.0f} s each:")
        print(f"  {'bare Flask, one query':28s} {rps:6.0f} req/s   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms")
        base = rps
        headers = {"Cookie": sign_in(port, "agent@example.com", "agent-demo"), "Accept-Language": "zh-CN"}
        for label, paths in pages(ids, digits).items():
            extra = {"HX-Request": "true"} if "htmx" in label else {}
            rps, errors, p50, p99 = load(port, paths, {**headers, **extra})
            print(f"  {label:28s} {rps:6.0f} req/s   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   "
                  f"({rps / base:.0%} of bare){f'   {errors} errors' if errors else ''}")
            assert errors == 0
    finally:
        for process in (baseline, portal):
            process.terminate()
            process.wait(10)


def test_search_latency_and_plans(database, bench_app):
    app = bench_app
    with app.app_context():
        sample_ticket = db.session.scalar(db.select(Ticket).order_by(Ticket.id.desc()).limit(1))
        queries = {"two Chinese characters": "黑屏", "phone, last 4 digits": sample_ticket.contact_phone[-4:],
                   "serial fragment": sample_ticket.serial[2:8], "English words": "fan noise",
                   "number": sample_ticket.number, "one character": "屏", "nothing matches": "冒烟起火"}
        postgres = db.engine.dialect.name == "postgresql"
        print(f"\n[{db.engine.dialect.name}] search: first page of open tickets by SLA + the total")
        for name, q in queries.items():
            stmt = (db.select(Ticket.id).where(search_condition(q), Ticket.status != "closed")
                    .order_by(Ticket.sla_sort_at).limit(50))
            count_stmt = db.select(db.func.count()).select_from(Ticket).where(search_condition(q))
            times = []
            for _ in range(5):
                started = time.perf_counter()
                rows = db.session.scalars(stmt).all()
                total = db.session.scalar(count_stmt)
                times.append(time.perf_counter() - started)
            sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
            plan = db.session.execute(sa.text(("EXPLAIN " if postgres else "EXPLAIN QUERY PLAN ") + sql)).all()
            lines = [str(r[0] if postgres else r[-1]).strip() for r in plan]
            print(f"  {name:24s} {statistics.median(times) * 1000:6.1f} ms  {len(rows):3d} shown, {total:6d} match"
                  f"\n      plan: {' | '.join(lines)[:300]}")
