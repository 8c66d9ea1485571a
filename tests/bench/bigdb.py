"""A database with 100k tickets over 400 days (8 % still open, spread over 42 engineers), with their events
(3 for an open ticket, 8 for a closed one: about 760k), for the desk benchmarks. BENCH_TICKETS sets the number
(1,000,000 for the dashboard at scale), BENCH_DAYS the days they spread over (30 for the monthly report of a busy
month), BENCH_EVENTS=0 leaves the events out (the dashboard never reads them: a 1M database in minutes). The
dashboard's rollup rows and daily pre-aggregates are written with them. Built once and reused: a
SQLite file keyed by the migration head, or the PostgreSQL database the benchmark names. Rows go in with
executemany, not through the services: the point is the size; the search text is made by the same function
as at intake."""
import os
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import upgrade

from portal import create_app
from portal.config import Config
from portal.domain import histograms, metrics, quality, search
from portal.extensions import db
from portal.models import Customer, ProductModel, StatsDay, Ticket, TicketEvent, TicketFact, User
from portal.models.ticket import SLA_NEVER
from portal.seed import demo
from portal.services import rollup, stats
from portal.tasks import stats as tasks_stats

ROOT = Path(__file__).resolve().parents[2]
TICKETS = int(os.environ.get("BENCH_TICKETS", "100000"))
DAYS = int(os.environ.get("BENCH_DAYS", "400"))
EVENTS = os.environ.get("BENCH_EVENTS", "1") != "0"
CUSTOMERS = 2000
WORDS = ["黑屏", "漏电", "不开机", "异响", "死机", "花屏", "报错 E21", "无法联网", "温度过高", "按键失灵",
         "screen flickers", "no power", "fan noise", "error code 0x1F", "paper jam", "overheats"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
# Events of a closed ticket, in order; open ones have the first three.
LIFECYCLE = ("registered", "triaged", "assigned", "arrived", "inspected", "work_recorded", "resolved", "accepted")


def head() -> str:
    return ScriptDirectory(str(ROOT / "migrations")).get_current_head()


def bench_config(url: str) -> type:
    return type("BenchConfig", (Config,), {"SQLALCHEMY_DATABASE_URI": url, "TASKS_IN_PROCESS": False,
                                           "WTF_CSRF_ENABLED": True})


def sqlite_url() -> str:
    folder = ROOT / "instance" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    shape = ("" if DAYS == 400 else f"-{DAYS}d") + ("" if EVENTS else "-noevents")
    return f"sqlite:///{folder / f'desk-{TICKETS}{shape}-{head()}.db'}"


def build(url: str) -> None:
    """Migrate and fill the database unless it already holds the tickets."""
    app = create_app(bench_config(url))
    with app.app_context():
        try:
            _build()
        finally:
            db.session.remove()
            db.engine.dispose()


def _build() -> None:
    upgrade(directory=str(ROOT / "migrations"))
    demo.seed(with_tickets=False)
    db.session.commit()
    have = db.session.scalar(db.select(db.func.count()).select_from(Ticket))
    if have >= TICKETS and db.session.scalar(db.select(db.func.count()).select_from(StatsDay)):
        return
    if have < TICKETS:
        if not EVENTS and db.engine.dialect.name == "postgresql":
            _fill_in_sql(TICKETS - have)
        else:
            _fill(TICKETS - have)
    rollup.rebuild()  # the daily pre-aggregates, as the nightly task writes them: the base level, then the others
    db.session.commit()
    tasks_stats.derive(batches=10_000)
    # Fresh statistics, and on PostgreSQL a visibility map, so index-only scans need no heap visits.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE")


def _fill(count: int) -> None:
    rng = random.Random(7)
    customers = [{"name": f"客户{i:04d} {rng.choice(SURNAMES)}氏电子有限公司", "kind": "company",
                  "tier": "vip" if i % 25 == 0 else "standard", "region": rng.choice(["华东", "华南", "华北"])}
                 for i in range(CUSTOMERS)]
    db.session.execute(db.insert(Customer), customers)
    customer_ids = db.session.scalars(db.select(Customer.id)).all()
    names = dict(db.session.execute(db.select(Customer.id, Customer.name)).all())
    model_ids = db.session.scalars(db.select(ProductModel.id)).all()
    engineers = _engineers(rng)
    agent = db.session.scalar(db.select(User.id).where(User.role == "agent"))
    now = datetime.now(UTC)
    sequence: dict[str, int] = {}  # per day, as the real counter; bench numbers start at 5000
    sequence.update((f"{now - timedelta(days=d):%Y%m%d}", 5000) for d in range(DAYS + 2))
    batch = []
    for _ in range(count):
        created = now - timedelta(minutes=rng.randint(10, DAYS * 24 * 60))
        day = f"{created:%Y%m%d}"
        sequence[day] = sequence.get(day, 0) + 1
        number = f"SR{day}{sequence[day]:04d}"
        status = rng.choices(["closed", "new", "triaged", "assigned", "in_progress", "waiting_parts"],
                             [92, 1, 1, 2, 3, 1])[0]
        customer_id = rng.choice(customer_ids)
        phone = f"13{rng.randint(100000000, 999999999)}"
        serial = f"SN{rng.randint(10**7, 10**8 - 1)}"
        description = f"{rng.choice(WORDS)},{rng.choice(WORDS)};第{rng.randint(1, 9)}次出现"
        text = search.document(number, names[customer_id], "联系人", phone, serial, description)
        due = created + timedelta(hours=rng.randint(1, 48))
        open_ = status != "closed"
        batch.append({
            "number": number, "channel": rng.choice(["phone", "email", "portal", "wechat"]), "status": status,
            "category": "fault_repair", "priority": rng.choice(["P1", "P2", "P3", "P4"]),
            "customer_id": customer_id, "contact_name": "联系人", "contact_phone": phone,
            "product_model_id": rng.choice(model_ids), "serial": serial, "description": description,
            "assignee_id": rng.choice(engineers) if status not in ("new", "triaged") else None,
            "created_by_id": agent, "created_at": created, "updated_at": created,
            "sla_due_at": due if open_ else None, "sla_sort_at": due if open_ else SLA_NEVER, "response_due_at": due,
            "sla_state": rng.choice(["ok", "ok", "ok", "at_risk", "breached"]) if open_ else "met",
            "closed_at": due if not open_ else None, "search_text": text,
            "search_bigrams": " ".join(search.bigrams(text)), "version": 3,
        })
        if len(batch) == 5000:
            _flush(batch, agent)
            batch = []
    if batch:
        _flush(batch, agent)
    db.session.commit()


def _fill_in_sql(count: int) -> None:
    """PostgreSQL, no events: tickets and their rollup rows made by the server (generate_series), a million in
    minutes. The rollup's stored figures follow portal.domain.metrics' rules for these simple tickets (every
    serial different: no repeats, nothing came back), as _facts() computes them row by row."""
    rng = random.Random(7)
    db.session.execute(db.insert(Customer), [
        {"name": f"客户{i:04d} {rng.choice(SURNAMES)}氏电子有限公司", "kind": "company",
         "tier": "vip" if i % 25 == 0 else "standard", "region": rng.choice(["华东", "华南", "华北"])}
        for i in range(CUSTOMERS)])
    customers = db.session.scalars(db.select(Customer.id)).all()
    models = db.session.scalars(db.select(ProductModel.id)).all()
    engineers = _engineers(rng)
    agent = db.session.scalar(db.select(User.id).where(User.role == "agent"))
    start = db.session.scalar(db.select(db.func.coalesce(db.func.max(Ticket.id), 0)))
    db.session.execute(db.text("""
        INSERT INTO ticket (number, channel, status, category, priority, customer_id, contact_name, contact_phone,
                            product_model_id, serial, description, assignee_id, created_by_id, created_at, updated_at,
                            closed_at, sla_state, sla_sort_at, escalation_level, safety_locked, visit_count,
                            reopen_count, version)
        SELECT 'SB' || lpad((:start + g)::text, 10, '0'), (ARRAY['phone','email','portal','wechat'])[1 + (g % 4)],
               s.status, 'fault_repair', (ARRAY['P1','P2','P3','P4'])[1 + floor(random() * 4)::int],
               (:customers)[1 + floor(random() * cardinality(:customers))::int], '联系人',
               '13' || lpad(floor(random() * 1e9)::text, 9, '0'),
               (:models)[1 + floor(random() * cardinality(:models))::int], 'SN' || (:start + g)::text,
               '黑屏,第' || (g % 9 + 1) || '次出现',
               CASE WHEN s.status IN ('new', 'triaged') THEN NULL
                    ELSE (:engineers)[1 + floor(random() * cardinality(:engineers))::int] END,
               :agent, s.created, s.created,
               CASE WHEN s.status = 'closed' THEN s.created + random() * interval '48 hours' END,
               CASE WHEN s.status = 'closed' THEN 'met' ELSE 'ok' END, s.created + interval '1 day', 0, false,
               0, 0, 3
        FROM generate_series(1, :count) g
        CROSS JOIN LATERAL (SELECT now() - random() * (:days * interval '1 day') - interval '10 minutes' AS created,
            CASE WHEN random() < 0.92 THEN 'closed'
                 ELSE (ARRAY['new','triaged','assigned','in_progress','waiting_parts'])[1 + (g % 5)] END AS status
            WHERE g > 0) s
        """), {"start": start, "count": count, "days": DAYS, "customers": list(customers), "models": list(models),
               "engineers": list(engineers), "agent": agent})
    db.session.commit()
    zone = bench_zone()

    def bucket(column: str) -> str:
        whens = " ".join(f"WHEN {column} < {edge * 60} THEN {i}" for i, edge in enumerate(histograms.EDGES_MINUTES))
        return f"CASE WHEN {column} IS NULL THEN NULL {whens} ELSE {len(histograms.EDGES_MINUTES)} END"
    db.session.execute(db.text(f"""
        INSERT INTO ticket_fact (ticket_id, created_at, resolved_at, closed_at, status, priority, category, channel,
            mode, tier, region, product_model_id, engineer_id, serial, response_seconds, resolution_seconds,
            response_met, resolution_met, visits, reopens, escalated, rating, labour_minutes, refreshed_at,
            created_day, closed_day, response_bucket, resolution_bucket, verdict, fixed, satisfied, repeat, returned)
        SELECT b.id, b.created_at, b.closed_at, b.closed_at, b.status, b.priority, b.category, b.channel, b.mode,
            b.tier, b.region, b.product_model_id, b.assignee_id, b.serial, b.response, b.resolution,
            b.response < 4 * 3600, CASE WHEN b.closed THEN b.resolution < 3 * 24 * 3600 END, b.visits, b.reopens,
            b.escalated, b.rating, 40, b.created_at,
            (b.created_at AT TIME ZONE :zone)::date, (b.closed_at AT TIME ZONE :zone)::date,
            {bucket("b.response")}, {bucket("b.resolution")},
            CASE WHEN b.response >= 4 * 3600 OR (b.closed AND b.resolution >= 3 * 24 * 3600) THEN false
                 WHEN b.closed THEN true END,
            CASE WHEN NOT b.closed THEN NULL WHEN b.reopens > 0 THEN false
                 WHEN b.mode = 'onsite' THEN b.visits <= 1 WHEN b.mode = 'remote' THEN NOT b.escalated
                 ELSE true END,
            CASE WHEN b.rating IS NOT NULL THEN b.rating >= {quality.SATISFIED_SCORE} END, false, false
        FROM (SELECT t.id, t.created_at, t.closed_at, t.status, t.priority, t.category, t.channel,
                     t.product_model_id, t.assignee_id, t.serial, t.status = 'closed' AS closed, c.tier, c.region,
                     floor(60 + random() * 43140)::int AS response,
                     CASE WHEN t.status = 'closed' THEN floor(3600 + random() * 514800)::int END AS resolution,
                     (ARRAY['onsite','remote','depot'])[1 + floor(random() * 3)::int] AS mode,
                     (ARRAY[1, 1, 1, 2])[1 + floor(random() * 4)::int] AS visits,
                     (random() < 0.05)::int AS reopens, random() < 0.03 AS escalated,
                     CASE WHEN t.status = 'closed'
                          THEN (ARRAY[5, 5, 4, 4, 3, 2, NULL, NULL])[1 + floor(random() * 8)::int] END AS rating
              FROM ticket t JOIN customer c ON c.id = t.customer_id WHERE t.id > :start) b
        """), {"start": start, "zone": zone})  # noqa: S608 (the edges are numbers from metrics)
    db.session.commit()


def bench_zone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def _engineers(rng) -> list[int]:
    """A field team of 40 engineers besides the demo's two (password hashing skipped: they never sign in)."""
    team = [{"email": f"bench-engineer-{i}@example.com", "name": f"工程师 {i:02d}", "role": "engineer",
             "is_senior": i % 4 == 0, "active": True, "password_hash": "!", "skills": ["display"],
             "region": rng.choice(["华东", "华南", "华北"])} for i in range(40)]
    db.session.execute(db.insert(User), team)
    return db.session.scalars(db.select(User.id).where(User.role == "engineer")).all()


def _flush(rows: list[dict], agent: int) -> None:
    db.session.execute(db.insert(Ticket), rows)
    numbers = [r["number"] for r in rows]
    ids = db.session.execute(db.select(Ticket.id, Ticket.number, Ticket.created_at)
                             .where(Ticket.number.in_(numbers))).all()
    events = []
    status = {r["number"]: r["status"] for r in rows}
    numbers = {ticket_id: number for ticket_id, number, _ in ids}
    ids = [(ticket_id, created) for ticket_id, _, created in ids] if EVENTS else []
    for ticket_id, created in ids:
        kinds = LIFECYCLE if status[numbers[ticket_id]] == "closed" else LIFECYCLE[:3]
        for i, kind in enumerate(kinds):
            events.append({"ticket_id": ticket_id, "actor_id": agent, "kind": kind, "body": None,
                           "customer_visible": kind != "triaged", "created_at": created + timedelta(hours=i * 3)})
    if events:
        db.session.execute(db.insert(TicketEvent), events)
    _facts(rows, numbers)
    db.session.commit()


def _facts(rows: list[dict], numbers: dict) -> None:
    """The dashboard's rollup rows of the same tickets (portal.models.TicketFact), as the commit hook would
    write them: business seconds and verdicts drawn at random but consistent with the status."""
    rng = random.Random(len(rows))
    by_number = {r["number"]: r for r in rows}
    tiers = dict(db.session.execute(db.select(Customer.id, Customer.tier)).all())
    regions = dict(db.session.execute(db.select(Customer.id, Customer.region)).all())
    facts = []
    day_of = stats.day_reader()
    for ticket_id, number in numbers.items():
        r = by_number[number]
        closed = r["status"] == "closed"
        response = rng.randint(60, 12 * 3600)
        resolution = rng.randint(3600, 6 * 24 * 3600) if closed else None
        facts.append({
            "ticket_id": ticket_id, "created_at": r["created_at"], "resolved_at": r["closed_at"],
            "closed_at": r["closed_at"], "status": r["status"], "priority": r["priority"], "category": r["category"],
            "channel": r["channel"], "mode": rng.choice(["onsite", "remote", "send_in"]),
            "tier": tiers.get(r["customer_id"]), "region": regions.get(r["customer_id"]), "department_id": None,
            "product_model_id": r["product_model_id"], "engineer_id": r["assignee_id"], "serial": r["serial"],
            "lot": None, "cause_category": rng.choice(["hardware", "software", "operation", None]),
            "response_seconds": response, "resolution_seconds": resolution, "response_met": response < 4 * 3600,
            "resolution_met": (resolution < 3 * 24 * 3600) if closed else None, "visits": rng.choice([1, 1, 1, 2]),
            "reopens": int(rng.random() < 0.05), "escalated": rng.random() < 0.03,
            "rating": rng.choice([5, 5, 4, 4, 3, 2, None, None]) if closed else None, "labour_minutes": 40,
            "refreshed_at": r["created_at"], "repeat": False, "returned": False})  # serials are all different
        fact = facts[-1]
        fact.update(created_day=day_of(fact["created_at"]),
                    closed_day=day_of(fact["closed_at"]) if fact["closed_at"] else None,
                    response_bucket=histograms.bucket_of(response), resolution_bucket=histograms.bucket_of(resolution))
        derived = stats._facts([type("Row", (), fact)])[0]  # what the refresh derives, by the same functions
        fact.update(verdict=metrics.sla_verdict(derived), satisfied=quality.satisfied(fact["rating"]),
                    fixed=quality.first_time_fixed(derived, False) if derived.done else None)
    db.session.execute(db.insert(TicketFact), facts)
