"""The dashboard over the big database (BENCH_TICKETS tickets, 100,000 by default; set it to 1,000,000 on a
machine that can take it), on SQLite and on PostgreSQL when one answers: server time p50/p99 in the process for
several filter combinations (BENCH_REPEAT requests each, after one that also draws the charts), and the SQL
statements each runs. The dashboard reads the daily pre-aggregates (stats_day), never the tickets. Prints
figures; asserts only that the pages answer 200. The monthly report's PDF and the derivation of stale days
(BENCH_DERIVE days, 30 by default) are timed too."""
import gc
import os
import re
import statistics
import time
from datetime import date, timedelta

from sqlalchemy import event

from portal import serving
from portal.extensions import db
from portal.models import MonthlyReport, ProductModel, StatsDay, TicketFact
from portal.services import monthly, rollup
from portal.tasks import stats as tasks_stats
from tests.bench import bigdb
from tests.conftest import count_queries

REPEAT = int(os.environ.get("BENCH_REPEAT", "7"))
DERIVE = int(os.environ.get("BENCH_DERIVE", "30"))
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def supervisor(app):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"email": "supervisor@example.com", "password": "supervisor-demo",
                                "csrf_token": CSRF_RE.search(page).group(1)})
    return client


def test_derive_timing(bench_app):
    """The derived levels of every stale day (all of them after the upgrade that brought them), then of the last
    BENCH_DERIVE days marked stale again, as the every-minute task derives them; prints the seconds per day and
    the size of stats_day. Today and yesterday are left stale, as the commits of a working day leave them."""
    with bench_app.app_context():
        started = time.perf_counter()
        done = tasks_stats.derive(batches=10_000)
        took = time.perf_counter() - started
        if done:
            print(f"\n  derived {done} stale days in {took:.1f} s: {took / done * 1000:.0f} ms a day")
        today = date.today()
        rollup._mark_stale([today - timedelta(days=d) for d in range(DERIVE)])
        db.session.commit()
        started = time.perf_counter()
        done = tasks_stats.derive()
        took = time.perf_counter() - started
        print(f"  derived the last {done} days again in {took:.1f} s: {took / done * 1000:.0f} ms a day")
        rollup._mark_stale([today - timedelta(days=1), today])
        db.session.commit()
        rows = db.session.scalar(db.select(db.func.count()).select_from(StatsDay))
        base = db.session.scalar(db.select(db.func.count()).select_from(StatsDay).where(StatsDay.level == "all"))
        size = ""
        if db.engine.dialect.name == "postgresql":
            size = db.session.scalar(db.text("SELECT pg_size_pretty(pg_total_relation_size('stats_day'))"))
        print(f"  stats_day: {rows} rows ({base} of the base level), {size} with its indexes")


def combinations(app) -> dict[str, str]:
    """The filter combinations timed: name -> dashboard URL (the first model, an engineer with tickets)."""
    with app.app_context():
        model = db.session.scalar(db.select(ProductModel.id).order_by(ProductModel.id))
        engineer = db.session.scalar(db.select(TicketFact.engineer_id).where(TicketFact.engineer_id.is_not(None))
                                     .limit(1))
    return {
        "last 30 days": "/desk/dashboard",
        "one model, 30 days": f"/desk/dashboard?model={model}",
        "P1, VIP, 90 days": "/desk/dashboard?priority=P1&tier=vip&start=" + _days_ago(90),
        "a year": "/desk/dashboard?start=" + _days_ago(365),
        "a year, one model, on site": f"/desk/dashboard?model={model}&mode=onsite&start=" + _days_ago(365),
        "engineer, region, 30 days": "/desk/dashboard?engineer=" + str(engineer) + "&region=华东",
        "all nine filters, 90 days": (f"/desk/dashboard?model={model}&mode=onsite&priority=P2&tier=standard"
                                      f"&channel=phone&category=fault_repair&engineer={engineer}&region=华东"
                                      "&start=" + _days_ago(90)),
        "one model, on site, P2, a year": f"/desk/dashboard?model={model}&mode=onsite&priority=P2&start="
                                          + _days_ago(365),
        "engineer, region, two years": f"/desk/dashboard?engineer={engineer}&region=华东&start=" + _days_ago(731),
        "tier, channel, category, a year": "/desk/dashboard?tier=standard&channel=phone&category=fault_repair"
                                           "&start=" + _days_ago(365),
        "two years": "/desk/dashboard?start=" + _days_ago(731),
        **{f"{name}, a year": f"/desk/dashboard?{name}={value}&start=" + _days_ago(365) for name, value in (
            ("model", model), ("engineer", engineer), ("region", "华东"), ("mode", "onsite"), ("priority", "P2"),
            ("tier", "vip"), ("channel", "phone"), ("category", "fault_repair"))},
    }


class Collections:
    """The cyclic collector's passes while it is on: how many of each generation, and their milliseconds."""

    def __init__(self):
        self.counts, self.ms, self._started = [0, 0, 0], 0.0, 0.0

    def __enter__(self):
        gc.callbacks.append(self._seen)
        return self

    def __exit__(self, *exc):
        gc.callbacks.remove(self._seen)

    def _seen(self, phase, info):
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.counts[info["generation"]] += 1
            self.ms += (time.perf_counter() - self._started) * 1000


def test_dashboard_timings(bench_app):
    """p50 and p99 (the slowest of BENCH_REPEAT) per combination, in a process set up as wsgi.py sets up its
    own (portal.serving), with the collector's passes during the timed requests."""
    before = gc.get_threshold()
    serving.settle_collector()
    try:
        _time_combinations(bench_app)
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def _time_combinations(bench_app):
    client = supervisor(bench_app)
    urls = combinations(bench_app)
    print(f"\n[{bench_app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}] {bigdb.TICKETS} tickets, "
          f"{REPEAT} requests each; collector thresholds {gc.get_threshold()}")
    for name, url in urls.items():
        assert client.get(url).status_code == 200  # the first draws the charts, kept per process afterwards
        timings = []
        with Collections() as collections:
            for _ in range(REPEAT):
                started = time.perf_counter()
                assert client.get(url).status_code == 200
                timings.append((time.perf_counter() - started) * 1000)
        ordered = sorted(timings)
        statements = count_queries(bench_app, client, url)
        young, middle, old = collections.counts
        print(f"  {name:32s} p50 {statistics.median(ordered):8.1f} ms   p99 {ordered[-1]:8.1f} ms   "
              f"{statements} statements   collector {young}/{middle}/{old} passes {collections.ms:6.1f} ms")


def _days_ago(days: int) -> str:
    return (date.today() - timedelta(days=days)).isoformat()


def test_monthly_report_timing(bench_app):
    """The monthly PDF for the last 30 days (BENCH_DAYS=30 puts every ticket in them: 100,000 with
    BENCH_TICKETS=100000), rendered as the task renders it; prints the seconds and the statements."""
    with bench_app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        end = date.today()
        report = MonthlyReport(start=end - timedelta(days=29), end=end)
        tickets = db.session.scalar(db.select(db.func.count()).select_from(TicketFact).where(
            TicketFact.created_day >= report.start, TicketFact.created_day <= report.end))
        statements = []
        listen = lambda *args: statements.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listen)
        started = time.perf_counter()
        data = monthly.render(report)
        took = time.perf_counter() - started
        event.remove(db.engine, "before_cursor_execute", listen)
    assert data.startswith(b"%PDF")
    print(f"\n[{bench_app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}] monthly PDF of {tickets} tickets: "
          f"{took:.1f} s, {len(data) // 1024} KB, {len(statements)} statements")
