"""The daily pre-aggregates (StatsDay): written from the per-ticket rollup (ticket_fact) cell by cell at each
commit that changes a ticket, and all at once by the nightly task; read by the dashboard as sums per group, so a
request adds up day rows instead of reading tickets. The sums are SQL over what ticket_fact stores, and what it
stores (verdicts, buckets, first-time fix) was decided by portal.domain.metrics: no second definition."""
from datetime import date, timedelta

from sqlalchemy import and_, case, func, literal, or_, select, union_all

from portal.domain import histograms, metrics
from portal.domain.workflow import CANCELLED, CLOSED, FINAL, RESOLVED
from portal.extensions import db
from portal.models import StatsDay, TicketFact
from portal.models.stats import CELL_DIMENSIONS, CELL_MEASURES, RESOLUTION_BUCKETS, RESPONSE_BUCKETS

CELLS_KEY = "portal.stats_cells"
SENTINEL = dict(CELL_DIMENSIONS)
DIMENSION_NAMES = tuple(name for name, _ in CELL_DIMENSIONS)
CORE = ("department_id", "category", "channel", "priority", "tier", "mode")
# Smallest first: a query reads the first level that keeps every dimension it filters or groups on. The single
# ones serve the unfiltered dashboard's totals, days and its per region / engineer / model tables (a few rows a
# day); "core" the low-cardinality filters; "all" any combination (about a row per ticket at worst).
LEVELS = {"region": ("region",), "engineer": ("engineer_id",), "bymodel": ("product_model_id",), "core": CORE,
          "model": (*CORE, "product_model_id"), "all": DIMENSION_NAMES}
# The dashboard's names for the dimensions (portal.services.stats.Filters) and StatsDay's columns.
COLUMN_OF = {"department": "department_id", "category": "category", "model": "product_model_id",
             "channel": "channel", "priority": "priority", "tier": "tier", "engineer": "engineer_id",
             "mode": "mode", "region": "region"}
NEVER_OPEN = tuple(FINAL - {CLOSED})  # cancelled tickets are never part of the backlog
LOCK_ID = 160016  # PostgreSQL advisory lock: one transaction at a time rewrites cells


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
        # metrics.reopen_rate: resolved at least once (done now, reopened, or a resolution moment stored).
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


def rewrite_pending(session) -> None:
    """Rewrite the cells the transaction's refreshed rows were in, before and after, at every level."""
    pending = session.info.pop(CELLS_KEY, None)
    if not pending:
        return
    session.flush()
    _lock()
    cells = list(pending.values())
    for level, kept in LEVELS.items():
        unique = {(day, tuple(dims[n] for n in kept)): (day, dims) for day, dims in cells}
        db.session.execute(db.delete(StatsDay).where(StatsDay.level == level, or_(*(
            and_(StatsDay.day == day, *(getattr(StatsDay, n) == dims[n] for n in kept)) for day, dims in
            unique.values()))))
        _insert(_cell_select(level, list(unique.values())))


def rebuild() -> None:
    """Every cell again from ticket_fact (the nightly task; the caller commits)."""
    forget(db.session)
    _lock()
    db.session.execute(db.delete(StatsDay))
    for level in LEVELS:
        _insert(_cell_select(level))


# ---- Reading --------------------------------------------------------------------------------------------------

def level_for(dimensions: set[str]) -> str:
    for level, kept in LEVELS.items():
        if dimensions <= set(kept):
            return level
    return "all"


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


def grouped(f, groups: dict[str | None, tuple[str, ...]], until: date | None = None) -> dict:
    """For each group (a dimension name, "day", or None for all), the sums of its measures per value, for the
    tickets matching the filters: {group: {value: {measure: sum}}}. One statement: a UNION ALL of one GROUP BY
    per group, each over the smallest level that holds its dimensions. "day" runs to `until` (the backlog is
    walked back from today)."""
    filtered = {COLUMN_OF[n] for n in COLUMN_OF if getattr(f, n) not in (None, "")}
    every = sorted({m for measures in groups.values() for m in measures})
    parts = []
    for group, measures in groups.items():
        level = level_for(filtered | ({COLUMN_OF[group]} if group in COLUMN_OF else set()))
        key = (func.cast(getattr(StatsDay, COLUMN_OF[group]), db.String) if group in COLUMN_OF
               else func.cast(StatsDay.day, db.String) if group == "day" else literal(""))
        last = until if group == "day" and until is not None else f.end
        query = select(literal(group or "").label("grp"), key.label("value"), *(
            ((func.max if m.endswith("_max") else func.sum)(getattr(StatsDay, m)) if m in measures
             else literal(0)).label(m) for m in every)).where(
            StatsDay.level == level, StatsDay.day >= f.start, StatsDay.day <= last)
        for name, column in COLUMN_OF.items():
            if getattr(f, name) not in (None, ""):
                query = query.where(getattr(StatsDay, column) == getattr(f, name))
        if group is None or not f.include_excluded:
            query = query.where(StatsDay.excluded.is_(False))  # the summary never counts them (metrics.summary)
        parts.append(query.group_by(key))
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
