"""The daily pre-aggregates give the figures the per-ticket rollup gives (p90 within its histogram bucket), with
days stale, derived or rebuilt; the base level is kept current cell by cell at each commit (a few statements),
the derived levels off the commit path, and both equal a rebuild from scratch."""
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import event

from portal.domain import histograms, metrics, quality
from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import StatsDay, StatsStaleDay, Ticket, TicketFact, User
from portal.models.stats import BASE_MODEL_INCLUDE, BASE_MODEL_KEYS, CELL_DIMENSIONS
from portal.services import dashboard, rollup, stats, stats_read
from portal.services.localtime import local_today, zone
from portal.tasks import stats as stats_tasks
from tests.web.factories import make_ticket

# (day, status, priority, mode, channel, response s, resolution s, response met, resolution met, visits, reopens,
#  escalated, rating, serial, closed day, engineer 0/1)
HAND_MADE = [
    (0, "closed", "P1", "onsite", "phone", 600, 7200, True, True, 1, 0, False, 5, "S1", 2, 0),
    (5, "closed", "P1", "onsite", "phone", 1800, 20000, True, False, 2, 0, False, 3, "S1", 6, 0),
    (1, "resolved", "P2", "remote", "phone", 300, 3600, True, True, 0, 0, True, None, None, None, 1),
    (3, "closed", "P2", "depot", "email", 5000, 90000, False, False, 0, 1, False, 4, "S2", 8, 1),
    (4, "in_progress", "P3", "onsite", "email", 100, None, True, None, 1, 0, False, None, None, None, 0),
    (2, "cancelled", "P3", None, "phone", None, None, None, None, 0, 0, False, None, None, None, 0),
    (9, "new", None, None, "portal", None, None, None, None, 0, 0, False, None, None, None, 0),
    (7, "closed", "P2", "remote", "email", 7200, 100000, False, False, 0, 0, False, 4, "S3", 9, 1),
    (-5, "assigned", "P1", "onsite", "phone", 2000, None, True, None, 0, 0, False, None, None, None, 0),
    (-4, "closed", "P4", "onsite", "phone", 200, 50000, True, True, 1, 0, False, "满意", "S1", 3, 1),
    (6, "closed", "P2", "onsite", "phone", 2400, 30000, True, True, 1, 0, False, 2, None, 7, 0),
]


@pytest.fixture
def period(app):
    """Eleven hand-made tickets over ten days (two before them) of last month, written as the rollup rows the hook
    writes."""
    seed = make_ticket(app, status="new")
    with app.test_request_context():
        today = local_today()
        first = (today.replace(day=1) - timedelta(days=1)).replace(day=10)  # a whole month before today holds them
        template = {c.name: getattr(db.session.get(Ticket, seed), c.name) for c in Ticket.__table__.c
                    if c.name != "id"}
        engineers = db.session.scalars(db.select(User.id).where(User.role == "engineer").order_by(User.id)).all()
        fact = db.session.get(TicketFact, seed)
        model = fact.product_model_id
        rollup.remember(db.session, rollup.cell_of(fact))  # its day's cells are rewritten without it
        db.session.delete(fact)
        for i, row in enumerate(HAND_MADE):
            day, status, priority, mode, channel, response, resolution, r_met, s_met, visits, reopens, \
                escalated, rating, serial, closed, engineer = row
            created = datetime.combine(first + timedelta(days=day), time(10, i), tzinfo=zone()).astimezone(UTC)
            closed_at = (datetime.combine(first + timedelta(days=closed), time(16), tzinfo=zone()).astimezone(UTC)
                         if closed is not None else None)
            ticket_id = db.session.execute(db.insert(Ticket).values(
                {**template, "number": f"SR{i:012d}", "created_at": created})).inserted_primary_key[0]
            row = TicketFact(
                ticket_id=ticket_id, created_at=created, resolved_at=closed_at, closed_at=closed_at, status=status,
                priority=priority, category="fault_repair", channel=channel, mode=mode, tier="standard",
                region="华东", product_model_id=model, engineer_id=engineers[engineer], serial=serial,
                response_seconds=response, resolution_seconds=resolution, response_met=r_met, resolution_met=s_met,
                visits=visits, reopens=reopens, escalated=escalated,
                rating=rating if isinstance(rating, int) else None, labour_minutes=30 * (i % 3))
            db.session.add(row)
            day_of = stats.day_reader()
            row.created_day, row.closed_day = day_of(created), day_of(closed_at) if closed_at else None
            db.session.flush()
            if serial:
                stats.update_serial(serial, row)
            else:
                stats.derive(row)
            if isinstance(rating, str):  # the call-back's three-level answer, as the survey stores it
                row.satisfied = quality.satisfied(rating)
            rollup.remember(db.session, rollup.cell_of(row))
        db.session.commit()
    return first, first + timedelta(days=9), engineers, model


def cells(app) -> list[tuple]:
    with app.app_context():
        columns = [c for c in StatsDay.__table__.c if c.name != "id"]
        return sorted(tuple(str(v) for v in row) for row in db.session.execute(db.select(*columns)).all())


def derive(app) -> int:
    """What the every-minute task does."""
    with app.app_context():
        return stats_tasks.derive()


def stale_days(app) -> list:
    with app.app_context():
        return db.session.scalars(db.select(StatsStaleDay.day).order_by(StatsStaleDay.day)).all()


def put_in(app, state: str, period) -> None:
    """The pre-aggregates as the commits leave them (every day stale), derived, rebuilt, or derived and then one
    day made stale again by a change (read half from the derived levels, half from the base one)."""
    if state in ("derived", "mixed"):
        assert derive(app) and not stale_days(app)
    if state == "rebuilt":
        with app.app_context():
            rollup.rebuild()
            db.session.commit()
        assert derive(app) and not stale_days(app)
    if state == "mixed":
        start, end, engineers, _model = period
        with app.app_context():
            ticket = db.session.scalars(db.select(Ticket).join(TicketFact, TicketFact.ticket_id == Ticket.id).where(
                TicketFact.status == "closed", TicketFact.engineer_id == engineers[0],
                TicketFact.created_day >= start)).first()
            ticket.priority, ticket.assignee_id = "P4", engineers[1]  # its cells move
            db.session.commit()
        assert 0 < len(stale_days(app)) < 10  # its days and those of its serial's tickets; the rest derived
    if state == "stale":
        assert stale_days(app)


@pytest.mark.parametrize("state", ["stale", "derived", "rebuilt", "mixed"])
def test_aggregates_give_the_per_ticket_figures(app, period, state):
    start, end, engineers, model = period
    put_in(app, state, period)
    with app.test_request_context():
        for f in (stats.Filters(start, end), stats.Filters(start, end, priority="P2"),
                  stats.Filters(start, end, model=model, mode="onsite"),
                  stats.Filters(start, end, engineer=engineers[1]), stats.Filters(start, end, include_excluded=True),
                  # Whole months: their monthly cells, unless one of their days is stale.
                  stats.Filters(start - timedelta(days=70), local_today()),
                  stats.Filters(start - timedelta(days=70), local_today(), engineer=engineers[0], mode="onsite")):
            facts = stats.facts_created(f)
            sums = stats_read.grouped(f, dashboard.GROUPS, until=local_today())
            total = sums[None].get(None, {})
            board = dashboard.build(f)
            expected = quality.summary(facts)
            got = board.summary
            assert (got.created, got.closed, got.open) == (expected.created, expected.closed, expected.open)
            assert got.compliance == expected.compliance
            assert (got.first_time_fix, got.reopen) == (expected.first_time_fix, expected.reopen)
            # Repeats are the stored flags, which see the serial's tickets before the period too.
            stored = db.session.scalars(db.select(TicketFact.repeat).where(
                TicketFact.ticket_id.in_([x.id for x in metrics.counted(facts) if x.serial]))).all()
            assert got.repeat == metrics.share(sum(stored), len(stored))
            # So are the answers: the call-back's three-level answer (row 10, before the short periods) has none.
            answers = db.session.scalars(db.select(TicketFact.satisfied).where(
                TicketFact.ticket_id.in_([x.id for x in metrics.counted(facts)]),
                TicketFact.satisfied.is_not(None))).all()
            assert (got.csat.answers, got.csat.satisfied) == (len(answers), sum(answers))
            if f.start >= start:
                assert (got.csat.answers, got.csat.satisfied) == (expected.csat.answers, expected.csat.satisfied)
            for mine, theirs in ((got.response, expected.response), (got.resolution, expected.resolution)):
                assert mine.count == theirs.count
                assert mine.average == pytest.approx(theirs.average) if theirs.average else mine.average is None
                if theirs.p90 is not None:  # the true p90 lies in the bucket whose upper edge is reported
                    lower, upper = histograms.bucket_bounds(histograms.bucket_of(theirs.p90))
                    assert lower <= mine.p90 <= upper and mine.p90 >= theirs.p90
            counted = metrics.counted(facts, f.include_excluded)
            for key in ("category", "channel", "model", "region", "mode"):
                assert {v: s["created"] for v, s in sums[key].items() if s["created"]} == dict(
                    metrics.counts(counted, key))
            assert {p: (s["decided"], s["met"]) for p, s in sums["priority"].items()} == {
                p: (c.decided, c.met) for p, c in metrics.compliance_by(counted, "priority").items()}
            ftf = {m: (s["fixed"], s["done"]) for m, s in sums["mode"].items() if s["done"]}
            assert ftf == {m: v[:2] for m, v in quality.first_time_fix(counted).items()}
            for priority, spread in metrics.response_times(counted).items():
                assert stats_read.spread(sums["priority"][priority], "resp").average == pytest.approx(
                    spread.average) if spread.average else True
            alive = stats.facts_alive(f)
            per_day = [r for r in board.tables if r.key == "volume"][0].rows
            unit = "day" if (f.end - f.start).days < 45 else "week"
            expected_days = metrics.volume(alive, f.start, f.end, unit, stats.day_reader())
            assert per_day == [[r.period.isoformat(), r.created, r.closed, r.backlog] for r in expected_days]
            assert total["escalated"] == sum(1 for x in metrics.counted(facts) if x.escalated)


def test_hand_made_figures_are_the_known_ones(app, period):
    start, end, *_ = period
    with app.test_request_context():
        s = dashboard.build(stats.Filters(start, end)).summary
        # Nine registered in the period, the cancelled one left out; closed: rows 1, 2, 4, 8, 11.
        assert (s.created, s.closed) == (8, 5)
        # Repeats: row 2 came 5 days after row 1 on S1 (row 10, before the period, is on S1 too: row 1 is one)
        # of the four with a serial.
        assert s.repeat == pytest.approx(2 / 4)
        # Satisfaction: 5, 3, 4, 4, 2 → 3 of 5.
        assert (s.csat.satisfied, s.csat.answers) == (3, 5)
        # First response: 600, 1800, 300, 5000, 100, 7200, 2400 → average 2485.7 s, p90 7200 s in [120, 180) min.
        assert s.response.count == 7 and s.response.average == pytest.approx(17400 / 7)
        assert s.response.p90 == 7200


def test_commits_keep_the_cells_equal_to_a_rebuild(app, period):
    assert {row[0] for row in cells(app)} == {"all"}  # the commits wrote the base level only
    days = {row[1] for row in cells(app)}
    assert derive(app) >= len(days) > 10 and not stale_days(app)  # and the day the seed's ticket left empty
    incremental = cells(app)
    assert {row[0] for row in incremental} == set(rollup.LEVELS) | set(rollup.MONTHLY_LEVELS)
    with app.app_context():
        rollup.rebuild()
        db.session.commit()
    derive(app)
    assert cells(app) == incremental
    ticket_id = make_ticket(app, status="closed", priority="P1", serial="S1")
    with app.app_context():
        db.session.get(Ticket, ticket_id).priority = "P3"  # a change through the ORM: its cells move
        db.session.commit()
        assert db.session.get(TicketFact, ticket_id).repeat is True  # S1 had a ticket 14 days before
    assert stale_days(app)
    derive(app)
    after_commits = cells(app)
    with app.app_context():
        rollup.rebuild()
        db.session.commit()
    derive(app)
    assert cells(app) == after_commits


def test_a_commit_runs_a_few_statements_for_the_dashboard(app, period):
    """The commit hook rewrites the base level's cells (a DELETE and an INSERT ... SELECT, under the cells' lock
    on PostgreSQL) and marks the days stale in one statement, whatever the number of derived levels."""
    ticket_id = make_ticket(app, status="closed", priority="P1")
    derive(app)
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        ticket.priority = "P3"
        db.session.flush()
        stats.refresh(ticket)
        db.session.flush()
        seen = []
        listen = lambda conn, cursor, statement, *args: seen.append(statement)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            rollup.rewrite_pending(db.session)
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)
        db.session.commit()
    assert len(seen) <= 4  # lock (PostgreSQL), delete, insert, stale mark
    assert sum("stats_stale_day" in s for s in seen) == 1
    assert not any("stats_day" in s and "'all'" not in s and "level" in s and "INSERT" in s.upper()
                   and "ticket_fact" not in s for s in seen)


def test_a_day_marked_again_while_it_is_derived_stays_stale(app, period, monkeypatch):
    """A commit that rewrites a day while the task derives it renews the day's mark: the task leaves it for the
    next run instead of clearing a mark its sums may not include."""
    start, *_ = period
    derive_levels = rollup._derive

    def with_a_commit_meanwhile(days=None):
        derive_levels(days)
        rollup._mark_stale([start + timedelta(days=3)])
    monkeypatch.setattr(rollup, "_derive", with_a_commit_meanwhile)
    with app.app_context():
        assert rollup.derive_stale(batch=1000)
        db.session.commit()
    assert stale_days(app) == [start + timedelta(days=3)]
    monkeypatch.setattr(rollup, "_derive", derive_levels)
    assert derive(app) == 1 and not stale_days(app)


def test_a_new_ticket_on_a_serial_marks_the_one_before_as_come_back(app):
    first = make_ticket(app, status="closed", serial="SN-BACK")
    with app.app_context():
        assert db.session.get(TicketFact, first).returned is False
    second = make_ticket(app, status="new", serial="SN-BACK")
    with app.app_context():
        assert db.session.get(TicketFact, first).returned is True
        assert db.session.get(TicketFact, second).repeat is True
        today = local_today(utcnow())
        f = stats.Filters(today - timedelta(days=1), today)
        assert dashboard.summary(f).repeat == pytest.approx(1 / 2)


def test_a_refresh_in_the_same_transaction_as_a_change_leaves_no_old_cell_behind(app):
    """The demo seed refreshes every row (stats.refresh_batch) in the transaction that assigns its tickets: the
    cell a ticket was in before the assignment is rewritten at the commit, not forgotten (889 cells against a
    rebuild's 888)."""
    ticket_id = make_ticket(app, status="triaged")
    with app.app_context():
        engineer = db.session.scalar(db.select(User.id).where(User.role == "engineer").order_by(User.id))
        ticket = db.session.get(Ticket, ticket_id)
        ticket.assignee_id, ticket.status = engineer, "assigned"
        db.session.flush()
        stats.refresh_batch(0)
        db.session.commit()
        assert db.session.get(TicketFact, ticket_id).engineer_id == engineer
    derive(app)
    incremental = cells(app)
    with app.app_context():
        rollup.rebuild()
        db.session.commit()
    derive(app)
    assert cells(app) == incremental


def test_the_base_models_index_holds_what_the_table_per_engineer_sums():
    """A model filter with two low dimensions sums the table per engineer from the base level: the index keeps
    every dimension as a key (the filters are checked in it) and that table's measures beside them, so
    PostgreSQL reads the index alone. A measure added to the table must be added to the index."""
    assert set(dashboard.GROUPS["engineer"]) <= set(BASE_MODEL_INCLUDE)
    assert set(BASE_MODEL_KEYS) == {name for name, _ in CELL_DIMENSIONS} | {"day", "excluded"}
    assert BASE_MODEL_KEYS[:2] == ("product_model_id", "day")
