"""The desk under load with 100k tickets: gunicorn with 2 workers serving the queue and a ticket page, next
to a bare Flask page with one indexed query on the same database; the queries each page runs; search
latency per query path with its plan. Prints figures, asserts nothing about speed.

Run with `make bench` (SQLite under instance/bench/, built once, about a minute), or against PostgreSQL
with BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/portal_bench."""
import http.client
import multiprocessing
import os
import re
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
from portal.backoffice.views import search_condition
from portal.extensions import db
from portal.models import Ticket
from tests.bench import bigdb

ROOT = Path(__file__).resolve().parents[2]
SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "4"))
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def database():
    url = bigdb.database_url()
    started = time.perf_counter()
    bigdb.build(url)
    print(f"\n{bigdb.TICKETS} tickets ready in {time.perf_counter() - started:.0f} s ({url.split('@')[-1]})")
    return url


def serve(app_path: str, url: str):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "PORTAL_ENV": "production", "SECRET_KEY": "bench",
           "SESSION_COOKIE_SECURE": "0", "PRINT_JOBS_IN_PROCESS": "0", "PYTHONPATH": str(ROOT)}
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


def load(port, paths, headers=None) -> tuple[float, int, float]:
    """Requests per second over SECONDS with CLIENTS processes, the number of non-200 answers, median ms."""
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
    latencies = [x for p in parts for x in p[2]]
    return sum(p[0] for p in parts) / SECONDS, sum(p[1] for p in parts), statistics.median(latencies) * 1000


def count_queries(app, client, path) -> int:
    statements = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(path).status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return len(statements)


def test_desk_pages_under_load(database):
    app = create_app(bigdb.bench_config(database))
    with app.app_context():
        ids = db.session.scalars(db.select(Ticket.id).where(Ticket.status != "closed")
                                 .order_by(Ticket.id.desc()).limit(200)).all()
    client = app.test_client()
    with app.test_request_context():
        pass
    baseline, base_port = serve("tests.bench.baseline_app:app", database)
    portal, port = serve("wsgi:app", database)
    try:
        base_rps, base_err, base_ms = load(base_port, [f"/t/{i}" for i in ids])
        cookie = sign_in(port, "agent@example.com", "agent-demo")
        headers = {"Cookie": cookie, "Accept-Language": "zh-CN"}
        pages = {
            "queue (open, by SLA)": ["/desk/tickets"],
            "queue page 5, P2": ["/desk/tickets?priority=P2&page=5"],
            "queue rows (htmx)": ["/desk/tickets?sla=at_risk"],
            "ticket page": [f"/desk/tickets/{i}" for i in ids],
        }
        print(f"\nbaseline, one indexed query: {base_rps:.0f} req/s, median {base_ms:.1f} ms, {base_err} errors "
              f"(gunicorn -w 2, {CLIENTS} clients)")
        for name, paths in pages.items():
            extra = {"HX-Request": "true"} if "htmx" in name else {}
            rps, errors, ms = load(port, paths, {**headers, **extra})
            print(f"{name:24s} {rps:6.0f} req/s ({rps / base_rps:4.0%} of baseline), median {ms:5.1f} ms, "
                  f"{errors} errors")
    finally:
        for process in (baseline, portal):
            process.terminate()
            process.wait(10)
    with client:
        response = client.get("/login")
        token = CSRF_RE.search(response.get_data(as_text=True)).group(1)
        client.post("/login", data={"email": "agent@example.com", "password": "agent-demo", "csrf_token": token})
        for path in ("/desk/tickets", "/desk/tickets?q=%E9%BB%91%E5%B1%8F", f"/desk/tickets/{ids[0]}",
                     f"/desk/tickets/{ids[1]}"):
            print(f"queries for {path}: {count_queries(app, client, path)}")


def test_search_latency_and_plans(database):
    app = create_app(bigdb.bench_config(database))
    with app.app_context():
        sample = db.session.scalar(db.select(Ticket).order_by(Ticket.id.desc()).limit(1))
        queries = {"two Chinese characters": "黑屏", "phone, last 4 digits": sample.contact_phone[-4:],
                   "serial fragment": sample.serial[2:8], "English words": "fan noise",
                   "number": sample.number, "one character": "屏", "nothing matches": "冒烟起火"}
        for name, q in queries.items():
            stmt = (db.select(Ticket.id).where(search_condition(q), Ticket.status != "closed")
                    .order_by(Ticket.sla_due_at).limit(50))
            count_stmt = db.select(db.func.count()).select_from(Ticket).where(search_condition(q))
            times = []
            for _ in range(5):
                started = time.perf_counter()
                rows = db.session.scalars(stmt).all()
                total = db.session.scalar(count_stmt)
                times.append(time.perf_counter() - started)
            sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
            explain = "EXPLAIN " if db.engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
            plan = " | ".join(str(r[-1]) for r in db.session.execute(sa.text(explain + sql)))
            print(f"\n{name:24s} q={q!r}: {statistics.median(times) * 1000:6.1f} ms, {len(rows)} shown, "
                  f"{total} match\n    plan: {plan[:400]}")
