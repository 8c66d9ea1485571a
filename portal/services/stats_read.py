"""Reading the daily pre-aggregates (StatsDay) that portal.services.rollup writes: the level with the fewest rows
for a set of filters and groups, and the dashboard's sums per group in one statement (a UNION ALL of GROUP BYs),
exact while derived levels lag (their stale days are read from the base level); the open tickets' ages from
ticket_fact."""
from datetime import date, timedelta

from sqlalchemy import and_, func, literal, literal_column, select, union_all

from portal.domain import histograms, metrics
from portal.domain.workflow import FINAL
from portal.extensions import db
from portal.models import StatsDay, StatsStaleDay, TicketFact
from portal.models.stats import RESOLUTION_BUCKETS, RESPONSE_BUCKETS
from portal.services.rollup import (
    BASE,
    COLUMN_OF,
    LEVELS,
    MONTHLY,
    SENTINEL,
    VALUES,
    estimate_rows,
    flag,
    month_of,
    next_month,
)

# Dimensions with an index led by them (portal.models.stats): a query fixing one reads its rows only.
INDEXED = ("engineer_id", "product_model_id", "region")


def level_for(needed: set[str], fixed: set[str] = frozenset()) -> str:
    """The level that keeps every dimension in `needed` with the fewest rows to read when the dimensions in
    `fixed` are narrowed to one value."""
    def rows(item):
        _name, kept = item
        best = max((VALUES[n] for n in kept if n in fixed and n in INDEXED), default=1)
        return estimate_rows(kept) / best, len(kept)
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
    first = start if start.day == 1 else next_month(start)
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
        columns.append(func.sum(flag(condition)).label(f"b{i}"))
    query = select(func.count().label("total"), *columns).where(t.closed_at.is_(None), t.status.not_in(FINAL))
    for name, column in COLUMN_OF.items():
        if getattr(f, name) not in (None, ""):
            query = query.where(getattr(t, column) == getattr(f, name))
    row = db.session.execute(query).one()
    ageing = [(metrics.age_bucket(lower), int(row[i + 1] or 0)) for i, lower in enumerate(bounds)]
    return int(row.total or 0), ageing
