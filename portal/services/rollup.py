"""The daily pre-aggregates (StatsDay): written from the per-ticket rollup (ticket_fact) cell by cell at each
commit that changes a ticket, and all at once by the nightly task; read by the dashboard as sums per group
(portal.services.stats_read), so a request adds up day rows instead of reading tickets. The sums are SQL over what ticket_fact stores, and what it
stores (verdicts, buckets, first-time fix) was decided by portal.domain.metrics: no second definition."""
from datetime import date, timedelta

from sqlalchemy import and_, case, func, literal, or_, select, union_all
from sqlalchemy.dialects import postgresql, sqlite

from portal.domain.workflow import CANCELLED, CLOSED, FINAL, RESOLVED
from portal.extensions import db
from portal.models import StatsDay, StatsStaleDay, TicketFact
from portal.models.stats import CELL_DIMENSIONS, CELL_MEASURES, RESOLUTION_BUCKETS, RESPONSE_BUCKETS

CELLS_KEY = "portal.stats_cells"
SENTINEL = dict(CELL_DIMENSIONS)
DIMENSION_NAMES = tuple(name for name, _ in CELL_DIMENSIONS)
LOW = ("department_id", "category", "channel", "priority", "tier", "mode", "region")
# The one base level, kept current at each commit from ticket_fact: every dimension (about a row per ticket).
BASE = "all"
# The derived levels, summed from the smallest level with more dimensions off the commit path (derive_stale, a
# minute after the commit; the nightly rebuild): "low" keeps the low-cardinality dimensions, "lowm" those and the
# product model, "lowe" those and the engineer; then every triple of low dimensions, two low ones with the model
# or the engineer, one with both, every pair, each dimension alone and none ("-"), named by their letters.
LETTER = {"department_id": "d", "category": "c", "product_model_id": "m", "channel": "h", "priority": "p",
          "tier": "t", "engineer_id": "e", "mode": "o", "region": "r"}
DERIVED = {"lowm": (*LOW, "product_model_id"), "lowe": (*LOW, "engineer_id"), "low": LOW} | {
    LETTER[a] + LETTER[b] + LETTER[third]: (a, b, third) for i, a in enumerate(LOW) for b in LOW[i + 1:]
    for third in (*LOW[LOW.index(b) + 1:], "engineer_id", "product_model_id")} | {
    LETTER[a] + "me": (a, "product_model_id", "engineer_id") for a in LOW} | {
    LETTER[a] + LETTER[b]: (a, b) for i, a in enumerate(DIMENSION_NAMES) for b in DIMENSION_NAMES[i + 1:]} | {
    LETTER[a]: (a,) for a in DIMENSION_NAMES} | {"-": ()}
LEVELS = {**DERIVED, BASE: DIMENSION_NAMES}
# A derived level's monthly cells: the level's name with this after it, on the 1st of the month.
MONTHLY = "/m"
MONTHLY_LEVELS = tuple(name + MONTHLY for name in DERIVED)
# Rough numbers of values per dimension, to pick the level with the fewest rows: the rows a day of a level are
# about the product of the values of the dimensions it keeps and the query does not fix.
VALUES = {"department_id": 8, "category": 6, "product_model_id": 60, "channel": 5, "priority": 4, "tier": 2,
          "engineer_id": 60, "mode": 3, "region": 10}


def estimate_rows(kept) -> int:
    count = 1
    for name in kept:
        count *= VALUES[name]
    return count


# Each derived level is summed from the level with fewer rows among those keeping more dimensions (listed first).
SOURCE = {name: min((other for other in list(DERIVED)[:i] if set(kept) < set(DERIVED[other])),
                    key=lambda other: estimate_rows(DERIVED[other]), default=BASE)
          for i, (name, kept) in enumerate(DERIVED.items())}
# The dashboard's names for the dimensions (portal.services.stats.Filters) and StatsDay's columns.
COLUMN_OF = {"department": "department_id", "category": "category", "model": "product_model_id",
             "channel": "channel", "priority": "priority", "tier": "tier", "engineer": "engineer_id",
             "mode": "mode", "region": "region"}
NEVER_OPEN = tuple(FINAL - {CLOSED})  # cancelled tickets are never part of the backlog
LOCK_ID = 160016  # PostgreSQL advisory lock: one transaction at a time rewrites cells
DERIVE_LOCK = 160017  # and one derives the levels of stale days
STALE_BATCH = 31  # days derived a transaction


def flag(condition):
    return case((condition, 1), else_=0)


def _registered_measures() -> dict:
    """Per ticket, on its day of registration."""
    t = TicketFact
    values = {
        "created": literal(1), "opened": flag(t.status.not_in(NEVER_OPEN)), "closed": literal(0),
        "closed_open": literal(0), "closed_now": flag(t.status == CLOSED), "open_now": flag(t.status.not_in(FINAL)),
        "resp_n": flag(t.response_seconds.is_not(None)), "resp_sum": func.coalesce(t.response_seconds, 0),
        "resp_max": func.coalesce(t.response_seconds, 0), "res_n": flag(t.resolution_seconds.is_not(None)),
        "res_sum": func.coalesce(t.resolution_seconds, 0), "res_max": func.coalesce(t.resolution_seconds, 0),
        "decided": flag(t.verdict.is_not(None)), "met": flag(t.verdict.is_(True)),
        "done": flag(t.fixed.is_not(None)), "fixed": flag(t.fixed.is_(True)),
        # quality.reopen_rate: resolved at least once (done now, reopened, or a resolution moment stored).
        "resolved_once": flag(or_(t.status.in_((RESOLVED, CLOSED)), t.reopens > 0, t.resolved_at.is_not(None))),
        "reopened": flag(t.reopens > 0), "with_serial": flag(and_(t.serial.is_not(None), t.serial != "")),
        "repeats": flag(t.repeat.is_(True)), "answers": flag(t.satisfied.is_not(None)),
        "satisfied": flag(t.satisfied.is_(True)), "escalated": flag(t.escalated.is_(True)),
        "labour_minutes": func.coalesce(t.labour_minutes, 0)}
    values.update((name, flag(t.response_bucket == i)) for i, name in enumerate(RESPONSE_BUCKETS))
    values.update((name, flag(t.resolution_bucket == i)) for i, name in enumerate(RESOLUTION_BUCKETS))
    return values


def _closing_measures() -> dict:
    """Per ticket, on its day of closing: only the closed counts."""
    values = {name: literal(0) for name in (*CELL_MEASURES, *RESPONSE_BUCKETS, *RESOLUTION_BUCKETS)}
    values["closed"] = literal(1)
    values["closed_open"] = flag(TicketFact.status.not_in(NEVER_OPEN))
    return values


def _dimension(name: str, level: str):
    column = getattr(TicketFact, name)
    return func.coalesce(column, SENTINEL[name]) if name in LEVELS[level] else literal(SENTINEL[name])


def _cell_select(level: str, cells: list | None = None):
    """SELECT of the level's cells (all of them, or those named as (day, dims dict)) summed from ticket_fact."""
    parts = []
    for day_column, measures in ((TicketFact.created_day, _registered_measures()),
                                 (TicketFact.closed_day, _closing_measures())):
        query = select(*(_dimension(n, level).label(n) for n in DIMENSION_NAMES), day_column.label("day"),
                       (TicketFact.status == CANCELLED).label("excluded"),
                       *(value.label(name) for name, value in measures.items())).where(day_column.is_not(None))
        if cells is not None:
            query = query.where(or_(*(and_(day_column == day, *(
                func.coalesce(getattr(TicketFact, n), SENTINEL[n]) == dims[n] for n in LEVELS[level]))
                for day, dims in cells)))
        parts.append(query)
    source = union_all(*parts).subquery()
    sums = [(func.max if name.endswith("_max") else func.sum)(source.c[name]).label(name)
            for name in (*CELL_MEASURES, *RESPONSE_BUCKETS, *RESOLUTION_BUCKETS)]
    keys = [source.c[n] for n in DIMENSION_NAMES] + [source.c.day, source.c.excluded]
    return select(literal(level).label("level"), *keys, *sums).group_by(*keys)


def _insert(query) -> None:
    names = ["level", *DIMENSION_NAMES, "day", "excluded", *CELL_MEASURES, *RESPONSE_BUCKETS, *RESOLUTION_BUCKETS]
    db.session.execute(db.insert(StatsDay).from_select(names, query))


def _lock() -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(func.pg_advisory_xact_lock(LOCK_ID)))


def cell_of(row: TicketFact) -> list[tuple[date, dict]]:
    """The cells a ticket's rollup row adds to: its day of registration and of closing, with its dimensions."""
    dims = {n: (getattr(row, n) if getattr(row, n) is not None else SENTINEL[n]) for n in DIMENSION_NAMES}
    return [(day, dims) for day in (row.created_day, row.closed_day) if day is not None]


def remember(session, cells: list[tuple[date, dict]]) -> None:
    pending = session.info.setdefault(CELLS_KEY, {})
    for day, dims in cells:
        pending[(day, tuple(dims[n] for n in DIMENSION_NAMES))] = (day, dims)


def forget(session) -> None:
    session.info.pop(CELLS_KEY, None)


def _chunks(items: list, size: int = 100):
    """A statement at a time: SQLite refuses an expression more than 1,000 deep (a long OR), and more than 500
    SELECTs in one UNION."""
    for first in range(0, len(items), size):
        yield items[first:first + size]


def rewrite_pending(session) -> None:
    """Rewrite the base level's cells the transaction's refreshed rows were in, before and after, and mark their
    days stale for the derived levels (derive_stale sums those again off the commit path)."""
    pending = session.info.pop(CELLS_KEY, None)
    if not pending:
        return
    session.flush()
    _lock()
    cells = list({(day, tuple(dims[n] for n in DIMENSION_NAMES)): (day, dims)
                  for day, dims in pending.values()}.values())
    for chunk in _chunks(cells):
        db.session.execute(db.delete(StatsDay).where(StatsDay.level == BASE, or_(*(
            and_(StatsDay.day == day, *(getattr(StatsDay, n) == dims[n] for n in DIMENSION_NAMES))
            for day, dims in chunk))))
        _insert(_cell_select(BASE, chunk))
    _mark_stale(sorted({day for day, _ in cells}))


def _mark_stale(days: list[date]) -> None:
    """One upsert: each day's version goes up, so a derivation that read the day before knows it is stale again."""
    insert = (postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert)(StatsStaleDay)
    insert = insert.values([{"day": day, "version": 1} for day in days])
    db.session.execute(insert.on_conflict_do_update(index_elements=["day"],
                                                    set_={"version": StatsStaleDay.version + 1}))


def _derived_select(level: str, days: list[date] | None = None):
    """SELECT of a derived level's cells (of the days given, or all) summed from its source level's rows."""
    kept, s = DERIVED[level], StatsDay
    query = select(literal(level).label("level"), *(
        (getattr(s, n) if n in kept else literal(SENTINEL[n])).label(n) for n in DIMENSION_NAMES),
        s.day.label("day"), s.excluded.label("excluded"), *(
            (func.max if name.endswith("_max") else func.sum)(getattr(s, name)).label(name)
            for name in (*CELL_MEASURES, *RESPONSE_BUCKETS, *RESOLUTION_BUCKETS))).where(s.level == SOURCE[level])
    if days is not None:
        query = query.where(s.day.in_(days))
    return query.group_by(*(getattr(s, n) for n in kept), s.day, s.excluded)


def _derive(days: list[date] | None = None) -> None:
    """The derived levels' cells (of the days given, or all): one INSERT ... SELECT per number of dimensions kept,
    each summing levels that keep more."""
    tiers: dict[int, list[str]] = {}
    for level, kept in DERIVED.items():
        tiers.setdefault(len(kept), []).append(level)
    for size in sorted(tiers, reverse=True):
        for some in _chunks(tiers[size], 50):
            parts = [_derived_select(level, days) for level in some]
            _insert(union_all(*parts) if len(parts) > 1 else parts[0])


def month_of(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1)


def _derive_months(months: list[date]) -> None:
    """The monthly cells of the derived levels (level name + MONTHLY, day = the 1st) of the months given, summed
    from their daily cells: one statement a month. Read only for whole months none of whose days is stale."""
    if not months:
        return
    db.session.execute(db.delete(StatsDay).where(StatsDay.level.in_(MONTHLY_LEVELS), StatsDay.day.in_(months)))
    s = StatsDay
    keys = [s.level, *(getattr(s, n) for n in DIMENSION_NAMES), s.excluded]
    for month in months:
        _insert(select((s.level + MONTHLY).label("level"), *(getattr(s, n) for n in DIMENSION_NAMES),
                       literal(month, db.Date).label("day"), s.excluded, *(
                           (func.max if name.endswith("_max") else func.sum)(getattr(s, name)).label(name)
                           for name in (*CELL_MEASURES, *RESPONSE_BUCKETS, *RESOLUTION_BUCKETS))).where(
            s.level.in_(DERIVED), s.day >= month, s.day < next_month(month)).group_by(*keys))


def derive_stale(batch: int = STALE_BATCH) -> int:
    """Sum the derived levels again for the days marked stale (up to `batch` of them, oldest first), then clear
    the marks no commit renewed meanwhile; the caller commits. The number of days derived. On PostgreSQL the
    marks are cleared under the commits' lock: a commit still writing one of the days keeps it stale."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(func.pg_advisory_xact_lock(DERIVE_LOCK)))
    marks = db.session.execute(select(StatsStaleDay.day, StatsStaleDay.version).order_by(StatsStaleDay.day)
                               .limit(batch)).all()
    if not marks:
        return 0
    days = [day for day, _ in marks]
    db.session.execute(db.delete(StatsDay).where(StatsDay.level.in_(DERIVED), StatsDay.day.in_(days)))
    _derive(days)
    _derive_months(sorted({month_of(day) for day in days}))
    _lock()
    db.session.execute(db.delete(StatsStaleDay).where(or_(*(
        and_(StatsStaleDay.day == day, StatsStaleDay.version == version) for day, version in marks))))
    return len(marks)


def analyze() -> None:
    """Fresh planner statistics of stats_day on PostgreSQL (with no rows of a level in them, the planner reads
    the level through any index led by the level, hundreds of times slower)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(db.text("ANALYZE stats_day"))


def rebuild() -> None:
    """Every cell of the base level again from ticket_fact (the nightly task; the caller commits), and every day
    with cells marked stale: the derived levels are summed again by derive_stale, a batch of days at a time,
    while commits go on (they wait for this one statement per step, not for the derivation)."""
    forget(db.session)
    _lock()
    db.session.execute(db.delete(StatsDay).where(StatsDay.level == BASE))
    _insert(_cell_select(BASE))
    db.session.execute(db.delete(StatsStaleDay))
    db.session.execute(db.insert(StatsStaleDay).from_select(
        ["day", "version"], select(StatsDay.day, literal(1)).distinct()))
