"""The daily pre-aggregates (StatsDay): written from the per-ticket rollup (ticket_fact) cell by cell at each
commit that changes a ticket, and all at once by the nightly task; read by the dashboard as sums per group, so a
request adds up day rows instead of reading tickets. The sums are SQL over what ticket_fact stores, and what it
stores (verdicts, buckets, first-time fix) was decided by portal.domain.metrics: no second definition."""
from datetime import date, timedelta

from sqlalchemy import and_, case, func, literal, literal_column, or_, select, union_all
from sqlalchemy.dialects import postgresql, sqlite

from portal.domain import histograms, metrics
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


def _estimate(kept) -> int:
    count = 1
    for name in kept:
        count *= VALUES[name]
    return count


# Each derived level is summed from the level with fewer rows among those keeping more dimensions (listed first).
SOURCE = {name: min((other for other in list(DERIVED)[:i] if set(kept) < set(DERIVED[other])),
                    key=lambda other: _estimate(DERIVED[other]), default=BASE)
          for i, (name, kept) in enumerate(DERIVED.items())}
# The dashboard's names for the dimensions (portal.services.stats.Filters) and StatsDay's columns.
COLUMN_OF = {"department": "department_id", "category": "category", "model": "product_model_id",
             "channel": "channel", "priority": "priority", "tier": "tier", "engineer": "engineer_id",
             "mode": "mode", "region": "region"}
NEVER_OPEN = tuple(FINAL - {CLOSED})  # cancelled tickets are never part of the backlog
LOCK_ID = 160016  # PostgreSQL advisory lock: one transaction at a time rewrites cells
DERIVE_LOCK = 160017  # and one derives the levels of stale days
STALE_BATCH = 31  # days derived a transaction


def _flag(condition):
    return case((condition, 1), else_=0)


def _registered_measures() -> dict:
    """Per ticket, on its day of registration."""
    t = TicketFact
    values = {
        "created": literal(1), "opened": _flag(t.status.not_in(NEVER_OPEN)), "closed": literal(0),
        "closed_open": literal(0), "closed_now": _flag(t.status == CLOSED), "open_now": _flag(t.status.not_in(FINAL)),
        "resp_n": _flag(t.response_seconds.is_not(None)), "resp_sum": func.coalesce(t.response_seconds, 0),
        "resp_max": func.coalesce(t.response_seconds, 0), "res_n": _flag(t.resolution_seconds.is_not(None)),
        "res_sum": func.coalesce(t.resolution_seconds, 0), "res_max": func.coalesce(t.resolution_seconds, 0),
        "decided": _flag(t.verdict.is_not(None)), "met": _flag(t.verdict.is_(True)),
        "done": _flag(t.fixed.is_not(None)), "fixed": _flag(t.fixed.is_(True)),
        # quality.reopen_rate: resolved at least once (done now, reopened, or a resolution moment stored).
        "resolved_once": _flag(or_(t.status.in_((RESOLVED, CLOSED)), t.reopens > 0, t.resolved_at.is_not(None))),
        "reopened": _flag(t.reopens > 0), "with_serial": _flag(and_(t.serial.is_not(None), t.serial != "")),
        "repeats": _flag(t.repeat.is_(True)), "answers": _flag(t.satisfied.is_not(None)),
        "satisfied": _flag(t.satisfied.is_(True)), "escalated": _flag(t.escalated.is_(True)),
        "labour_minutes": func.coalesce(t.labour_minutes, 0)}
    values.update((name, _flag(t.response_bucket == i)) for i, name in enumerate(RESPONSE_BUCKETS))
    values.update((name, _flag(t.resolution_bucket == i)) for i, name in enumerate(RESOLUTION_BUCKETS))
    return values


def _closing_measures() -> dict:
    """Per ticket, on its day of closing: only the closed counts."""
    values = {name: literal(0) for name in (*CELL_MEASURES, *RESPONSE_BUCKETS, *RESOLUTION_BUCKETS)}
    values["closed"] = literal(1)
    values["closed_open"] = _flag(TicketFact.status.not_in(NEVER_OPEN))
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


def _next_month(month: date) -> date:
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
            s.level.in_(DERIVED), s.day >= month, s.day < _next_month(month)).group_by(*keys))


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


# ---- Reading --------------------------------------------------------------------------------------------------

# Dimensions with an index led by them (portal.models.stats): a query fixing one reads its rows only.
INDEXED = ("engineer_id", "product_model_id", "region")


def level_for(needed: set[str], fixed: set[str] = frozenset()) -> str:
    """The level that keeps every dimension in `needed` with the fewest rows to read when the dimensions in
    `fixed` are narrowed to one value."""
    def rows(item):
        _name, kept = item
        best = max((VALUES[n] for n in kept if n in fixed and n in INDEXED), default=1)
        return _estimate(kept) / best, len(kept)
    return min((item for item in LEVELS.items() if needed <= set(item[1])), key=rows)[0]


def _value(name: str, raw):
    """A cell's key value back as the dashboard knows it (the "none" value as None, ids as integers)."""
    if name == "day":
        return raw if isinstance(raw, date) or raw is None else date.fromisoformat(str(raw))
    if name is None:
        return None
    column = COLUMN_OF[name]
    if SENTINEL[column] == 0:
        value = int(raw)
        return None if value == 0 else value
    return None if raw in ("", None) else raw


def _rows(f, level: str, columns: list[str], last: date):
    """The rows of a level matching the filters in the period. The level is written into the statement: as a
    parameter, a generic plan of the prepared statement could not use the indexes partial to one level."""
    query = select(*(getattr(StatsDay, n) for n in columns)).where(
        StatsDay.level == literal(level, literal_execute=True), StatsDay.day >= f.start, StatsDay.day <= last)
    for name, column in COLUMN_OF.items():
        if getattr(f, name) not in (None, ""):
            query = query.where(getattr(StatsDay, column) == getattr(f, name))
    if not f.include_excluded:
        query = query.where(StatsDay.excluded.is_(False))
    return query


def _whole_months(start: date, end: date) -> tuple[date, date] | None:
    """The first and the last whole month (their 1st) between start and end, if any."""
    first = start if start.day == 1 else _next_month(start)
    last = month_of(end + timedelta(days=1))
    return (first, last - timedelta(days=1)) if first < last else None


def _month_sql(column):
    if db.session.get_bind().dialect.name == "postgresql":
        return func.cast(func.date_trunc("month", column), db.Date)
    return func.date(column, "start of month")


def _next_month_sql(column):
    if db.session.get_bind().dialect.name == "postgresql":
        return func.cast(column + literal_column("interval '1 month'"), db.Date)
    return func.date(column, "+1 month")


def _fresh(f, level: str, columns: list[str], last: date, stale_days, months) -> list:
    """The derived level's rows of the days that are not stale: its monthly cells for the whole months with no
    stale day, its daily cells for the other days (before and after the whole months, and in those with a stale
    day: read a month at a time through the index)."""
    def daily(first_day: date, last_day: date):
        return _rows(f, level, columns, last_day).where(StatsDay.day >= first_day, StatsDay.day.not_in(stale_days))
    if months is None:
        return [daily(f.start, last)]
    first, last_day = months
    inside = (StatsStaleDay.day >= first, StatsStaleDay.day <= last_day)
    stale_months = select(_month_sql(StatsStaleDay.day)).where(*inside)
    # The days of the months with a stale day, between the first such month and the end of the last (bounds the
    # index can use).
    since = select(func.min(_month_sql(StatsStaleDay.day))).where(*inside).scalar_subquery()
    until = select(func.max(_next_month_sql(_month_sql(StatsStaleDay.day)))).where(*inside).scalar_subquery()
    parts = [_rows(f, level + MONTHLY, columns, last_day).where(StatsDay.day >= first,
                                                                 StatsDay.day.not_in(stale_months)),
             daily(first, last_day).where(StatsDay.day >= since, StatsDay.day < until,
                                          _month_sql(StatsDay.day).in_(stale_months))]
    if f.start < first:
        parts.append(daily(f.start, first - timedelta(days=1)))
    if last_day < last:
        parts.append(daily(last_day + timedelta(days=1), last))
    return parts


def grouped(f, groups: dict[str | None, tuple[str, ...]], until: date | None = None) -> dict:
    """For each group (a dimension name, "day", or None for all), the sums of its measures per value, for the
    tickets matching the filters: {group: {value: {measure: sum}}}. One statement: a UNION ALL of one GROUP BY
    per group, each over the level with the fewest rows that holds its dimensions; the groups that share a level
    read its rows once (a WITH). "day" runs to `until` (the backlog is walked back from today)."""
    filtered = {COLUMN_OF[n] for n in COLUMN_OF if getattr(f, n) not in (None, "")}
    every = sorted({m for measures in groups.values() for m in measures})
    plans = {}
    for group, measures in groups.items():
        level = level_for(filtered | ({COLUMN_OF[group]} if group in COLUMN_OF else set()), filtered)
        last = until if group == "day" and until is not None else f.end
        plans.setdefault(level, []).append((group, measures, last))
    parts = []
    # The stale days come from the base level's rows for every derived level: read once (a WITH).
    end = max(last for plan in plans.values() for _, _, last in plan)
    stale_days = select(StatsStaleDay.day).where(StatsStaleDay.day >= f.start, StatsStaleDay.day <= end)
    stale = None
    if set(plans) - {BASE}:
        keys = sorted({COLUMN_OF[g] for g in groups if g in COLUMN_OF})
        stale = _rows(f, BASE, [*keys, "day", "excluded", *every], end).where(
            StatsDay.day.in_(stale_days)).cte("stale")
    for index, (level, plan) in enumerate(plans.items()):
        keys = sorted({COLUMN_OF[g] for g, _, _ in plan if g in COLUMN_OF})
        needed = sorted({m for _, measures, _ in plan for m in measures})
        columns = [*keys, "day", "excluded", *needed]
        last = max(last for _, _, last in plan)
        query = _rows(f, level, columns, last)
        if level != BASE:
            months = _whole_months(f.start, last) if all(g != "day" for g, _, _ in plan) else None
            query = union_all(*_fresh(f, level, columns, last, stale_days, months),
                              select(*(stale.c[n] for n in columns)))
        rows = query.cte(f"level{index}") if len(plan) > 1 else query.subquery(f"level{index}")
        for group, measures, last in plan:
            key = (func.cast(rows.c[COLUMN_OF[group]], db.String) if group in COLUMN_OF
                   else func.cast(rows.c.day, db.String) if group == "day" else literal(""))
            part = select(literal(group or "").label("grp"), key.label("value"), *(
                ((func.max if m.endswith("_max") else func.sum)(rows.c[m]) if m in measures
                 else literal(0)).label(m) for m in every)).where(rows.c.day <= last)
            if group is None and f.include_excluded:
                part = part.where(rows.c.excluded.is_(False))  # the summary never counts them (quality.summary)
            parts.append(part.group_by(key))
    result = {group: {} for group in groups}
    for row in db.session.execute(union_all(*parts)).mappings():
        group = row["grp"] or None
        sums = {m: int(row[m] or 0) for m in every}
        if any(sums.values()):  # a cell of tickets closed in the period but registered before it adds nothing here
            result[group][_value(group, row["value"])] = sums
    return result


def spread(sums: dict, prefix: str, target: float | None = None) -> metrics.Spread:
    buckets = RESPONSE_BUCKETS if prefix == "resp" else RESOLUTION_BUCKETS
    return histograms.spread_from_histogram(sums.get(f"{prefix}_n", 0), sums.get(f"{prefix}_sum", 0),
                                         [sums.get(b, 0) for b in buckets], sums.get(f"{prefix}_max") or None,
                                         target)


SPEED = ("resp_n", "resp_sum", "resp_max", *RESPONSE_BUCKETS, "res_n", "res_sum", "res_max", *RESOLUTION_BUCKETS)


def open_now(f, now) -> tuple[int, list[tuple[str, int]]]:
    """Tickets open now matching the filters (from ticket_fact's open rows: the index on closed_at), and their
    ages in metrics' buckets. One statement."""
    t = TicketFact
    bounds = (0, *metrics.AGE_BUCKETS)
    columns = []
    for i, lower in enumerate(bounds):
        newest = now - timedelta(days=lower)
        condition = t.created_at <= newest if i + 1 == len(bounds) else and_(
            t.created_at <= newest, t.created_at > now - timedelta(days=bounds[i + 1]))
        columns.append(func.sum(_flag(condition)).label(f"b{i}"))
    query = select(func.count().label("total"), *columns).where(t.closed_at.is_(None), t.status.not_in(FINAL))
    for name, column in COLUMN_OF.items():
        if getattr(f, name) not in (None, ""):
            query = query.where(getattr(t, column) == getattr(f, name))
    row = db.session.execute(query).one()
    ageing = [(metrics.age_bucket(lower), int(row[i + 1] or 0)) for i, lower in enumerate(bounds)]
    return int(row.total or 0), ageing
