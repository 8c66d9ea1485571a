"""The dashboard's content for a set of filters: headline figures, and tables each with its chart and, per row,
the filters of the queue that lists the tickets behind it. The page, the exports and the monthly report all
take their figures from here (and so from portal.domain.metrics)."""
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal import labels
from portal.domain import metrics, quality
from portal.domain.money import fen_to_yuan
from portal.domain.time import utcnow
from portal.domain.workflow import CANCELLED
from portal.extensions import db
from portal.models import Bill, BillLine, SlaPolicy, TicketFact
from portal.services import charts, defects, rollup, stats, stats_read
from portal.services.localtime import local_today

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


def _by(sums: dict, f, key: str, names: dict, title: str) -> Table:
    table = Table(key, title, [str(_l("Value")), str(_l("Tickets"))])
    tally = sorted(((value, s["created"]) for value, s in sums.items() if s["created"]),
                   key=lambda item: (-item[1], str(item[0])))
    for value, count in tally:
        table.rows.append([_label(key, value, names), count])
        table.links.append(_queue(f, **{key: value}) if value not in (None, "") else None)
    table.chart = charts.chart("hbar" if len(table.rows) > 6 else "bar", title, [r[0] for r in table.rows],
                               [(str(_l("Tickets")), [r[1] for r in table.rows])], height=280)
    return table


def _volume(f: stats.Filters, per_day: dict, open_total: int) -> Table:
    days = (f.end - f.start).days + 1
    unit = "day" if days <= 45 else "week" if days <= 200 else "month"
    figures = {day: (s["created"], s["closed"], s["opened"], s["closed_open"]) for day, s in per_day.items()}
    # The backlog now, less what the days after the period opened, plus what they closed.
    later = sum(s["opened"] - s["closed_open"] for day, s in per_day.items() if day > f.end)
    rows = metrics.volume_from_days(figures, f.start, f.end, unit, open_total - later)
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


def _speed(per_priority: dict, f) -> Table:
    response_targets, resolution_targets = _targets()
    table = Table("speed", str(_l("First response and resolution, business hours")),
                  [str(_l("Priority")), str(_l("Responses")), str(_l("Response average (h)")),
                   str(_l("Response p90 (h)")), str(_l("Response target (h)")), str(_l("Resolutions")),
                   str(_l("Resolution average (h)")), str(_l("Resolution p90 (h)")), str(_l("Resolution target (h)"))])
    for priority in sorted(per_priority, key=str):
        if priority is None:
            continue
        sums = per_priority[priority]
        a = stats_read.spread(sums, "resp", response_targets.get(priority))
        b = stats_read.spread(sums, "res", resolution_targets.get(priority))
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


def _compliance(per_value: dict, f, key: str, names: dict, title: str) -> Table:
    table = Table(f"sla_{key}", title, [str(_l("Value")), str(_l("Decided")), str(_l("Met")),
                                        str(_l("Compliance"))])
    for value in sorted(per_value, key=str):
        c = metrics.Compliance(per_value[value]["decided"], per_value[value]["met"])
        table.rows.append([value if key == "priority" else _label(key, value, names), c.decided, c.met,
                           _pct(c.rate)])
        table.links.append(_queue(f, **{key: value}) if value not in (None, "") else None)
    table.chart = charts.chart("bar", title, [str(r[0]) for r in table.rows], [
        (str(_l("Compliance")), [None if r[1] == 0 else round(r[2] * 100 / r[1], 1) for r in table.rows])],
        value_formatter=lambda v: f"{v:.1f}%", height=260)
    return table


def _ageing(f, ageing: list) -> Table:
    table = Table("ageing", str(_l("Open tickets by age (days)")), [str(_l("Age (days)")), str(_l("Tickets"))])
    for bucket, count in ageing:
        table.rows.append([bucket, count])
        table.links.append({**_queue(f), "status": "open"})
    table.chart = charts.chart("bar", table.title, [r[0] for r in table.rows],
                               [(str(_l("Tickets")), [r[1] for r in table.rows])], height=240)
    return table


def _quality(per_mode: dict, total: dict, f, names) -> Table:
    table = Table("quality", str(_l("Quality")), [str(_l("Figure")), str(_l("Count")), str(_l("Out of")),
                                                   str(_l("Rate"))])
    for mode in sorted(per_mode, key=str):
        fixed, finished = per_mode[mode]["fixed"], per_mode[mode]["done"]
        if not finished:
            continue
        table.rows.append([_("First-time fix: %(mode)s", mode=_label("mode", mode, names)), fixed, finished,
                           _pct(metrics.share(fixed, finished))])
        table.links.append(_queue(f, mode=mode) if mode else None)
    for label, part, whole in (
            (_l("Reopened after a rejected acceptance"), "reopened", "resolved_once"),
            (_l("Repeat fault (same serial within 90 days)"), "repeats", "with_serial"),
            (_l("Satisfaction (rated 4-5 or 满意)"), "satisfied", "answers"),
            (_l("Escalations and complaints"), "escalated", "created")):
        table.rows.append([str(label), total.get(part, 0), total.get(whole, 0),
                           _pct(metrics.share(total.get(part, 0), total.get(whole, 0)))])
        table.links.append(None)
    table.chart = charts.chart("hbar", table.title, [r[0] for r in table.rows], [
        (str(_l("Rate")), [None if r[2] == 0 else round(r[1] * 100 / r[2], 1) for r in table.rows])],
        value_formatter=lambda v: f"{v:.1f}%", height=300)
    return table


def _people(per_engineer: dict, f, names) -> Table:
    table = Table("engineers", str(_l("Per engineer")), [str(_l("Engineer")), str(_l("Jobs")), str(_l("Closed")),
                                                         str(_l("Labour hours")), str(_l("First-time fix")),
                                                         str(_l("SLA compliance")), str(_l("Satisfaction"))])
    rows = sorted(((e, s) for e, s in per_engineer.items() if e is not None and s["created"]),
                  key=lambda item: (-item[1]["created"], _label("engineer", item[0], names)))
    for engineer, s in rows:
        table.rows.append([_label("engineer", engineer, names), s["created"], s["closed_now"],
                           f"{s['labour_minutes'] / 60:.1f}", _pct(metrics.share(s["fixed"], s["done"])),
                           _pct(metrics.share(s["met"], s["decided"])),
                           _pct(metrics.share(s["satisfied"], s["answers"]))])
        table.links.append(_queue(f, engineer=engineer))
    table.chart = charts.chart("hbar", table.title, [r[0] for r in table.rows],
                               [(str(_l("Jobs")), [r[1] for r in table.rows])], height=260)
    return table


def bill_sums(f: stats.Filters) -> list:
    """(model, line kind, payer, pieces, fen) of the signed bills of the tickets matching the filters (registered
    in the period): a signed bill never changes, its lines say who pays each amount. One statement."""
    query = (db.select(TicketFact.product_model_id, BillLine.kind, BillLine.payer,
                       db.func.sum(BillLine.quantity), db.func.sum(BillLine.amount_fen))
             .join(Bill, Bill.id == BillLine.bill_id).join(TicketFact, TicketFact.ticket_id == Bill.ticket_id)
             .where(Bill.status == "signed", TicketFact.created_day >= f.start, TicketFact.created_day <= f.end)
             .group_by(TicketFact.product_model_id, BillLine.kind, BillLine.payer))
    for name, column in rollup.COLUMN_OF.items():
        if getattr(f, name) not in (None, ""):
            query = query.where(getattr(TicketFact, column) == getattr(f, name))
    if not f.include_excluded:
        query = query.where(TicketFact.status != CANCELLED)
    return [tuple(row) for row in db.session.execute(query).all()]


def _parts(bills: list, f, names) -> Table:
    table = Table("parts", str(_l("Parts used by product model")),
                  [str(_l("Product model")), str(_l("Pieces")), str(_l("Value (yuan)")), str(_l("Charged (yuan)"))])
    per_model: dict = {}
    for model, kind, payer, pieces, fen in bills:
        if kind != "part":
            continue
        row = per_model.setdefault(model, [0, 0, 0])
        row[0] += int(pieces or 0)
        row[1] += int(fen or 0)
        row[2] += int(fen or 0) if payer == "customer" else 0
    for model, (pieces, fen, charged) in sorted(per_model.items(), key=lambda kv: (-kv[1][0], str(kv[0]))):
        table.rows.append([_label("model", model, names), pieces, fen_to_yuan(fen), fen_to_yuan(charged)])
        table.links.append(_queue(f, model=model) if model is not None else None)
    table.chart = charts.chart("hbar" if len(table.rows) > 6 else "bar", table.title, [r[0] for r in table.rows],
                               [(str(_l("Pieces")), [r[1] for r in table.rows])], height=260)
    return table


def _cost(bills: list, f) -> Table:
    """What the service cost the company (三包, warranty, contract, goodwill) against what customers were charged,
    per line kind."""
    table = Table("cost", str(_l("Cost and chargeable revenue (yuan)")),
                  [str(_l("Who pays")), *(str(label) for label in labels.LINE_KIND.values()), str(_l("Total"))])
    kinds = list(labels.LINE_KIND)
    per_payer = {payer: dict.fromkeys(kinds, 0) for payer in labels.PAYER}
    for _model, kind, payer, _pieces, fen in bills:
        per_payer.setdefault(payer, dict.fromkeys(kinds, 0))
        per_payer[payer][kind] = per_payer[payer].get(kind, 0) + int(fen or 0)
    for payer, amounts in per_payer.items():
        table.rows.append([str(labels.PAYER.get(payer, payer)), *(fen_to_yuan(amounts.get(k, 0)) for k in kinds),
                           fen_to_yuan(sum(amounts.values()))])
        table.links.append(None)
    # The chart draws yuan (floats are fine for a bar's length; the table keeps the exact amounts).
    table.chart = charts.chart("bar", table.title, [r[0] for r in table.rows], [
        (str(labels.LINE_KIND[k]), [per_payer[payer].get(k, 0) / 100 for payer in per_payer])
        for k in kinds], value_formatter=lambda v: f"{v:,.2f}", height=280)
    return table


@dataclass
class Dashboard:
    filters: stats.Filters
    summary: quality.Summary
    tables: list[Table]
    flags: list


SUMMARY = ("created", "closed_now", "open_now", "decided", "met", "done", "fixed", "resolved_once", "reopened",
           "with_serial", "repeats", "answers", "satisfied", "escalated", *stats_read.SPEED)
GROUPS = {
    "day": ("created", "closed", "opened", "closed_open"),
    "category": ("created",), "channel": ("created",), "model": ("created",), "region": ("created",),
    "mode": ("created", "done", "fixed"),
    "priority": ("created", "decided", "met", *stats_read.SPEED),
    "department": ("created", "decided", "met"),
    "engineer": ("created", "closed_now", "labour_minutes", "done", "fixed", "decided", "met", "answers",
                 "satisfied"),
    None: SUMMARY,
}


def _summary(total: dict) -> quality.Summary:
    """The headline figures from summed cells (cancelled tickets never counted, as quality.summary)."""
    return quality.Summary(
        created=total.get("created", 0), closed=total.get("closed_now", 0), open=total.get("open_now", 0),
        response=stats_read.spread(total, "resp"), resolution=stats_read.spread(total, "res"),
        compliance=metrics.Compliance(total.get("decided", 0), total.get("met", 0)),
        first_time_fix=metrics.share(total.get("fixed", 0), total.get("done", 0)),
        reopen=metrics.share(total.get("reopened", 0), total.get("resolved_once", 0)),
        repeat=metrics.share(total.get("repeats", 0), total.get("with_serial", 0)),
        csat=quality.Csat(total.get("answers", 0), total.get("satisfied", 0)))


def summary(f: stats.Filters) -> quality.Summary:
    """The headline figures alone (the monthly report's previous period)."""
    return _summary(stats_read.grouped(f, {None: SUMMARY})[None].get(None, {}))


def build(f: stats.Filters) -> Dashboard:
    """Every figure from the daily pre-aggregates (one statement) and the open tickets' ages (one more)."""
    names = stats.names()
    now = utcnow()
    open_total, ageing = stats_read.open_now(f, now)
    sums = stats_read.grouped(f, GROUPS, until=max(f.end, local_today(now)))
    total = sums[None].get(None, {})
    tables = [
        _volume(f, sums["day"], open_total),
        _by(sums["category"], f, "category", names, str(_l("By category"))),
        _by(sums["channel"], f, "channel", names, str(_l("By channel"))),
        _by(sums["model"], f, "model", names, str(_l("By product model"))),
        _by(sums["region"], f, "region", names, str(_l("By region"))),
        _by(sums["mode"], f, "mode", names, str(_l("By service mode"))),
        _speed(sums["priority"], f),
        _compliance(sums["priority"], f, "priority", names, str(_l("SLA compliance per priority"))),
        _compliance(sums["department"], f, "department", names, str(_l("SLA compliance per department"))),
        _ageing(f, ageing),
        _quality(sums["mode"], total, f, names),
        _people(sums["engineer"], f, names),
        _parts(bills := bill_sums(f), f, names),
        _cost(bills, f),
    ]
    return Dashboard(f, _summary(total), tables, defects.recent_flags(f.end - timedelta(days=30)))


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
