"""The dashboard's content for a set of filters: headline figures, and tables each with its chart and, per row,
the filters of the queue that lists the tickets behind it. The page, the exports and the monthly report all
take their figures from here (and so from portal.domain.metrics)."""
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal import labels
from portal.domain import metrics
from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import SlaPolicy
from portal.services import charts, defects, stats

TIERS = {"standard": _l("Standard"), "vip": _l("VIP")}
MAX_DAYS = 366 * 2


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    links: list[dict | None] = field(default_factory=list)  # queue filters per row
    chart: object = None


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _hours(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds / 3600:.1f}"


def _label(kind: str, value, names: dict) -> str:
    if value is None or value == "":
        return str(_l("(none)"))
    table = {"category": labels.CATEGORY, "channel": labels.CHANNEL, "mode": labels.MODE,
             "tier": TIERS, "cause": labels.CAUSE, "status": labels.STATUS}.get(kind)
    if table is not None:
        return str(table.get(value, value))
    if kind in names:
        return str(names[kind].get(value, value))
    return str(value)


def _targets() -> tuple[dict, dict]:
    rows = db.session.execute(db.select(SlaPolicy.priority, SlaPolicy.response_minutes,
                                        SlaPolicy.resolution_minutes)).all()
    return {p: r * 60.0 for p, r, _ in rows}, {p: s * 60.0 for p, _, s in rows}


def _queue(f: stats.Filters, **narrow) -> dict:
    """The queue's filters for the tickets behind a figure: the dashboard's own, narrowed further."""
    args = {"status": "all", "since": f.start.isoformat(), "until": f.end.isoformat()}
    for name, queue_name in (("department", "department"), ("category", "category"), ("model", "model"),
                             ("channel", "channel"), ("priority", "priority"), ("tier", "tier"),
                             ("engineer", "assignee"), ("mode", "mode"), ("region", "region")):
        value = narrow.get(name, getattr(f, name))
        if value not in (None, ""):
            args[queue_name] = value
    return args


def _by(facts, f, key: str, names: dict, title: str) -> Table:
    table = Table(key, title, [str(_l("Value")), str(_l("Tickets"))])
    for value, count in metrics.counts(facts, key):
        table.rows.append([_label(key, value, names), count])
        table.links.append(_queue(f, **{key: value}) if value not in (None, "") else None)
    table.chart = charts.chart("hbar" if len(table.rows) > 6 else "bar", title, [r[0] for r in table.rows],
                               [(str(_l("Tickets")), [r[1] for r in table.rows])], height=280)
    return table


def _volume(f: stats.Filters, alive) -> Table:
    days = (f.end - f.start).days + 1
    unit = "day" if days <= 45 else "week" if days <= 200 else "month"
    rows = metrics.volume(alive, f.start, f.end, unit, stats.day_reader())
    table = Table("volume", str(_l("Created, closed and open over time")),
                  [str(_l("Period")), str(_l("Created")), str(_l("Closed")), str(_l("Open at the end"))])
    for row in rows:
        table.rows.append([row.period.isoformat(), row.created, row.closed, row.backlog])
        end = min(metrics.next_period(row.period, unit) - timedelta(days=1), f.end)
        table.links.append({**_queue(f), "since": max(row.period, f.start).isoformat(), "until": end.isoformat()})
    table.chart = charts.chart("line", table.title, [r[0] for r in table.rows], [
        (str(_l("Created")), [r[1] for r in table.rows]), (str(_l("Closed")), [r[2] for r in table.rows]),
        (str(_l("Open at the end")), [r[3] for r in table.rows])])
    return table


def _speed(facts, f) -> Table:
    response_targets, resolution_targets = _targets()
    response = metrics.response_times(facts, response_targets)
    resolution = metrics.resolution_times(facts, resolution_targets)
    table = Table("speed", str(_l("First response and resolution, business hours")),
                  [str(_l("Priority")), str(_l("Responses")), str(_l("Response average (h)")),
                   str(_l("Response p90 (h)")), str(_l("Response target (h)")), str(_l("Resolutions")),
                   str(_l("Resolution average (h)")), str(_l("Resolution p90 (h)")), str(_l("Resolution target (h)"))])
    for priority in sorted(set(response) | set(resolution), key=str):
        if priority is None:
            continue
        a, b = response[priority], resolution[priority]
        table.rows.append([priority, a.count, _hours(a.average), _hours(a.p90), _hours(a.target), b.count,
                           _hours(b.average), _hours(b.p90), _hours(b.target)])
        table.links.append(_queue(f, priority=priority))

    def hours(value):
        return None if value in ("—", None) else float(value)
    table.chart = charts.chart("bar", table.title, [r[0] for r in table.rows], [
        (str(_l("Response average (h)")), [hours(r[2]) for r in table.rows]),
        (str(_l("Response p90 (h)")), [hours(r[3]) for r in table.rows]),
        (str(_l("Resolution average (h)")), [hours(r[6]) for r in table.rows]),
        (str(_l("Resolution p90 (h)")), [hours(r[7]) for r in table.rows])])
    return table


def _compliance(facts, f, key: str, names: dict, title: str) -> Table:
    table = Table(f"sla_{key}", title, [str(_l("Value")), str(_l("Decided")), str(_l("Met")),
                                        str(_l("Compliance"))])
    for value, c in metrics.compliance_by(facts, key).items():
        table.rows.append([value if key == "priority" else _label(key, value, names), c.decided, c.met,
                           _pct(c.rate)])
        table.links.append(_queue(f, **{key: value}) if value not in (None, "") else None)
    table.chart = charts.chart("bar", title, [str(r[0]) for r in table.rows], [
        (str(_l("Compliance")), [None if r[1] == 0 else round(r[2] * 100 / r[1], 1) for r in table.rows])],
        value_formatter=lambda v: f"{v:.1f}%", height=260)
    return table


def _ageing(f, alive) -> Table:
    now = utcnow()
    facts = [x for x in alive if x.closed_at is None]
    table = Table("ageing", str(_l("Open tickets by age (days)")), [str(_l("Age (days)")), str(_l("Tickets"))])
    for bucket, count in metrics.backlog_ageing(facts, now):
        table.rows.append([bucket, count])
        table.links.append({**_queue(f), "status": "open"})
    table.chart = charts.chart("bar", table.title, [r[0] for r in table.rows],
                               [(str(_l("Tickets")), [r[1] for r in table.rows])], height=240)
    return table


def _quality(facts, f, names) -> Table:
    table = Table("quality", str(_l("Quality")), [str(_l("Figure")), str(_l("Count")), str(_l("Out of")),
                                                   str(_l("Rate"))])
    for mode, (fixed, finished, rate) in metrics.first_time_fix(facts).items():
        table.rows.append([_("First-time fix: %(mode)s", mode=_label("mode", mode, names)), fixed, finished,
                           _pct(rate)])
        table.links.append(_queue(f, mode=mode) if mode else None)
    reopened, resolved, rate = metrics.reopen_rate(facts)
    table.rows.append([str(_l("Reopened after a rejected acceptance")), reopened, resolved, _pct(rate)])
    table.links.append(None)
    repeats, with_serial, rate = metrics.repeat_faults(facts)
    table.rows.append([str(_l("Repeat fault (same serial within 90 days)")), repeats, with_serial, _pct(rate)])
    table.links.append(None)
    c = metrics.csat(x.rating for x in facts)
    table.rows.append([str(_l("Satisfaction (rated 4-5 or 满意)")), c.satisfied, c.answers, _pct(c.rate)])
    table.links.append(None)
    escalated = sum(1 for x in facts if x.escalated)
    table.rows.append([str(_l("Escalations and complaints")), escalated, len(facts),
                       _pct(metrics.share(escalated, len(facts)))])
    table.links.append(None)
    table.chart = charts.chart("hbar", table.title, [r[0] for r in table.rows], [
        (str(_l("Rate")), [None if r[2] == 0 else round(r[1] * 100 / r[2], 1) for r in table.rows])],
        value_formatter=lambda v: f"{v:.1f}%", height=300)
    return table


def _people(facts, f, names) -> Table:
    table = Table("engineers", str(_l("Per engineer")), [str(_l("Engineer")), str(_l("Jobs")), str(_l("Closed")),
                                                         str(_l("Labour hours")), str(_l("First-time fix")),
                                                         str(_l("SLA compliance")), str(_l("Satisfaction"))])
    for engineer, group in metrics.group_by([x for x in facts if x.engineer], "engineer").items():
        c = metrics.compliance(group)
        ftf = metrics.first_time_fix(group).values()
        fixed, finished = sum(v[0] for v in ftf), sum(v[1] for v in ftf)
        table.rows.append([_label("engineer", engineer, names), len(group),
                           sum(1 for x in group if x.status == "closed"),
                           f"{sum(x.labour_minutes for x in group) / 60:.1f}", _pct(metrics.share(fixed, finished)),
                           _pct(c.rate),
                           _pct(metrics.csat(x.rating for x in group).rate)])
        table.links.append(_queue(f, engineer=engineer))
    table.chart = charts.chart("hbar", table.title, [r[0] for r in table.rows],
                               [(str(_l("Jobs")), [r[1] for r in table.rows])], height=260)
    return table


@dataclass
class Dashboard:
    filters: stats.Filters
    summary: metrics.Summary
    tables: list[Table]
    flags: list


def build(f: stats.Filters) -> Dashboard:
    names = stats.names()
    facts = stats.facts_created(f)
    alive = stats.facts_alive(f)
    tables = [
        _volume(f, alive),
        _by(facts, f, "category", names, str(_l("By category"))),
        _by(facts, f, "channel", names, str(_l("By channel"))),
        _by(facts, f, "model", names, str(_l("By product model"))),
        _by(facts, f, "region", names, str(_l("By region"))),
        _by(facts, f, "mode", names, str(_l("By service mode"))),
        _speed(facts, f),
        _compliance(facts, f, "priority", names, str(_l("SLA compliance per priority"))),
        _compliance(facts, f, "department", names, str(_l("SLA compliance per department"))),
        _ageing(f, alive),
        _quality(facts, f, names),
        _people(facts, f, names),
    ]
    return Dashboard(f, metrics.summary(facts), tables, defects.recent_flags(f.end - timedelta(days=30)))


def parse_filters(args, today: date) -> stats.Filters:
    """Filters from the URL; a bad value is left out and named in `errors` (the page says so, never a 500)."""
    errors = {}

    def day(name, default):
        raw = (args.get(name) or "").strip()
        if not raw:
            return default
        try:
            return date.fromisoformat(raw)
        except ValueError:
            errors[name] = _("Not a date (YYYY-MM-DD).")
            return default

    def number(name):
        raw = (args.get(name) or "").strip()
        if not raw:
            return None
        if raw.isdigit() and len(raw) < 10:
            return int(raw)
        errors[name] = _("Not a valid choice.")
        return None

    def choice(name, allowed):
        raw = (args.get(name) or "").strip()
        if raw and raw not in allowed:
            errors[name] = _("Not a valid choice.")
            return None
        return raw or None

    end = day("end", today)
    start = day("start", end - timedelta(days=29))
    if start > end:
        errors["start"] = _("The start comes after the end.")
        start = end - timedelta(days=29)
    if (end - start).days > MAX_DAYS:
        errors["start"] = _("At most two years at a time.")
        start = end - timedelta(days=MAX_DAYS)
    region = (args.get("region") or "").strip()[:60] or None
    return stats.Filters(
        start=start, end=end, department=number("department"), category=choice("category", labels.CATEGORY),
        model=number("model"), channel=choice("channel", labels.CHANNEL), priority=choice("priority", labels.PRIORITY),
        tier=choice("tier", TIERS), engineer=number("engineer"), mode=choice("mode", labels.MODE),
        region=region, include_excluded=args.get("all") == "1", errors=errors)


def filter_text(f: stats.Filters) -> list[tuple[str, str]]:
    """The filters in words: the first rows of every export, the report's cover."""
    names = stats.names()
    rows = [(str(_l("Period")), f"{f.start.isoformat()} – {f.end.isoformat()}")]
    words = {"department": _l("Department"), "category": _l("Category"), "model": _l("Product model"),
             "channel": _l("Channel"), "priority": _l("Priority"), "tier": _l("Customer tier"),
             "engineer": _l("Engineer"), "mode": _l("Service mode"), "region": _l("Region")}
    for name, word in words.items():
        value = getattr(f, name)
        if value not in (None, ""):
            rows.append((str(word), value if name == "priority" else _label(name, value, names)))
    if f.include_excluded:
        rows.append((str(_l("Cancelled, merged and campaign tickets")), str(_l("included"))))
    return rows
