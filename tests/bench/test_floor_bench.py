"""Pages against the bare Flask floor (issue 11): gunicorn with 2 sync workers serves the portal and a bare
one-query Flask page (tests/bench/baseline_app.py) on the same 100k-ticket database; `wrk -t2 -c8` loads them
in turns (floor, page, floor, page, ...) so that both see the same machine, and each page's req/s is printed as
a share of the floor next to its aim. Then, in the process and one request after another, each page's server
time p50 and its SQL statements, next to their budgets.

Prints figures; asserts only that every answer was a 200. Run with `make bench` (PostgreSQL when it answers,
else SQLite); BENCH_SECONDS sets each turn's length."""
import os
import re
import shutil
import statistics
import subprocess
import time

import pytest

from portal.extensions import db
from portal.models import Ticket, User
from tests.bench.test_desk_bench import request, serve, sign_in
from tests.conftest import count_queries

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
WRK_RE = re.compile(r"Requests/sec:\s+([\d.]+)")
NON_2XX = re.compile(r"Non-2xx or 3xx responses: (\d+)")
# page: (share of the floor aimed at, server time p50 in ms, SQL statements), as issue 11 sets them.
BUDGETS = {"queue": (0.50, 4, 6), "ticket page": (0.35, 8, 8), "job page": (0.35, 8, 8),
           "customer ticket": (0.35, 8, 6), "search 黑屏": (0.50, 4, 6)}


def wrk(port: int, path: str, cookie: str | None = None) -> float:
    command = ["wrk", "-t2", "-c8", f"-d{SECONDS}s", "--latency", f"http://127.0.0.1:{port}{path}"]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    command[1:1] = ["-H", "Accept-Language: zh-CN"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    bad = NON_2XX.search(out)
    assert not bad, f"{path}: {bad.group(1)} answers were not 200\n{out}"
    return float(WRK_RE.search(out).group(1))


def targets(app) -> dict:
    """The path of each page and the demo account that opens it, on the big database."""
    with app.app_context():
        engineer = db.session.scalar(db.select(User).where(User.email == "engineer@example.com"))
        customer = db.session.scalar(db.select(User).where(User.email == "customer@example.com"))
        open_ticket = db.session.scalar(db.select(Ticket.id).where(Ticket.status == "assigned")
                                        .order_by(Ticket.id.desc()).limit(1))
        job = db.session.scalar(db.select(Ticket.id).where(Ticket.assignee_id == engineer.id,
                                                           Ticket.status == "in_progress")
                                .order_by(Ticket.id.desc()).limit(1))
        mine = db.session.scalar(db.select(Ticket.id).where(Ticket.customer_id == customer.customer_id)
                                 .order_by(Ticket.id.desc()).limit(1))
    desk = ("agent@example.com", "agent-demo")
    return {"queue": ("/desk/tickets", desk), "search 黑屏": ("/desk/tickets?q=%E9%BB%91%E5%B1%8F", desk),
            "ticket page": (f"/desk/tickets/{open_ticket}", desk),
            "job page": (f"/m/jobs/{job}", ("engineer@example.com", "engineer-demo")),
            "customer ticket": (f"/my/tickets/{mine}", ("customer@example.com", "customer-demo"))}


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (make bench installs it)")
def test_pages_as_a_share_of_the_floor(database, bench_app):
    pages = targets(bench_app)
    floor, floor_port = serve("tests.bench.baseline_app:app", database)
    portal, port = serve("wsgi:app", database)
    try:
        cookies = {}
        for _label, (path, (email, password)) in pages.items():
            if email not in cookies:
                cookies[email] = sign_in(port, email, password)
            response, _ = request(port, path, {"Cookie": cookies[email]})
            assert response.status == 200, path
        wrk(floor_port, "/queue")  # warm up both
        print(f"\n[{database.split(':')[0]}] gunicorn -w 2, wrk -t2 -c8, {SECONDS} s turns; floor = bare Flask, "
              f"one indexed 25-row query")
        for label, (path, (email, _password)) in pages.items():
            before = wrk(floor_port, "/queue")
            rps = wrk(port, path, cookies[email])
            after = wrk(floor_port, "/queue")
            share = rps / ((before + after) / 2)
            aim = BUDGETS[label][0]
            print(f"  {label:16s} {rps:7.0f} req/s  floor {before:5.0f}/{after:5.0f}  {share:5.0%} of the floor "
                  f"(aim {aim:.0%}: {'reached' if share >= aim else 'NOT reached'})")
    finally:
        for process in (floor, portal):
            process.terminate()
            process.wait(10)


def test_server_time_and_statements_per_page(database, bench_app):
    """One request after another in the process: server time (wall and CPU) and the statements it runs."""
    app = bench_app
    pages = targets(app)
    clients = {}
    print(f"\n[{database.split(':')[0]}] in process, 200 requests per page after 20 to warm up:")
    for label, (path, (email, password)) in pages.items():
        if email not in clients:
            client = app.test_client()
            page = client.get("/login").get_data(as_text=True)
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
            client.post("/login", data={"email": email, "password": password, "csrf_token": token})
            clients[email] = client
        client = clients[email]
        wall, cpu = [], []
        for i in range(220):
            started, used = time.perf_counter(), time.process_time()
            assert client.get(path).status_code == 200
            if i >= 20:
                wall.append(time.perf_counter() - started)
                cpu.append(time.process_time() - used)
        statements = count_queries(app, client, path)
        _share, ms, budget = BUDGETS[label]
        p50, p50_cpu = statistics.median(wall) * 1000, statistics.median(cpu) * 1000
        print(f"  {label:16s} p50 {p50:5.1f} ms (CPU {p50_cpu:4.1f} ms, budget {ms} ms)  "
              f"{statements} statements (budget {budget})")
