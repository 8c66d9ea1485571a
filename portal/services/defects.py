"""The daily batch-defect check: fault counts per model and lot from the rollup, judged by
portal.domain.defects; a new flag is stored once per model, lot and day and told to the supervisors in their
inbox. The drill-down lists the tickets behind a flag, grouped by cause category."""
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from portal.domain import defects as rule
from portal.domain.roles import SUPERVISORS
from portal.extensions import db
from portal.models import Asset, DefectFlag, InboxItem, ProductModel, Ticket, TicketFact, User
from portal.services.localtime import day_bounds, local_today

# What counts as a fault: repair tickets and returns (the 三包 exchanges come from faults too).
FAULT_CATEGORIES = ("fault_repair", "return")
MESSAGE_KIND = "defect_flag"
LOCALES = ("zh_CN", "en")


def _counts(today: date) -> list[rule.Counts]:
    """Faults per model (lot '' = the whole model) and per lot, in the window and in the baseline before it."""
    baseline_start, start, end = rule.window(today)
    since, _ = day_bounds(baseline_start)
    cut, _ = day_bounds(start)
    until, _ = day_bounds(end)
    recent = db.case((TicketFact.created_at >= cut, 1), else_=0)
    base = (db.select(TicketFact.product_model_id, TicketFact.lot, db.func.sum(recent), db.func.count())
            .where(TicketFact.created_at >= since, TicketFact.created_at < until,
                   TicketFact.category.in_(FAULT_CATEGORIES), TicketFact.status != "cancelled",
                   TicketFact.product_model_id.is_not(None))
            .group_by(TicketFact.product_model_id, TicketFact.lot))
    models: dict[int, list[int]] = {}
    lots = []
    for model_id, lot, in_window, total in db.session.execute(base):
        in_window, total = int(in_window or 0), int(total or 0)
        tally = models.setdefault(model_id, [0, 0])
        tally[0] += in_window
        tally[1] += total - in_window
        if lot:
            lots.append(rule.Counts(str(model_id), in_window, total - in_window, lot=lot))
    units_now, units_before = _installed(today, baseline_start)
    result = [rule.Counts(str(m), r, b, units=units_now.get(m), baseline_units=units_before.get(m))
              for m, (r, b) in models.items()]
    return result + lots


def _installed(today: date, baseline_start: date) -> tuple[dict, dict]:
    """Registered units per model now and at the middle of the baseline (purchase dates known)."""
    middle = baseline_start + (today - baseline_start) / 2

    def by_model(day):
        return dict(db.session.execute(
            db.select(Asset.product_model_id, db.func.count()).where(Asset.purchase_date <= day)
            .group_by(Asset.product_model_id)).all())
    return by_model(today), by_model(middle)


def check(today: date | None = None) -> list[DefectFlag]:
    """Judge every model and lot; store and announce the flags not raised yet today. Running it twice changes
    nothing."""
    today = today or local_today()
    config = current_app.config
    found = rule.flags(_counts(today), config["DEFECT_MIN_COUNT"], config["DEFECT_P_THRESHOLD"])
    new = []
    for flag in found:
        model_id, lot = int(flag.model), flag.lot or ""
        exists = db.session.scalar(db.select(DefectFlag.id).where(
            DefectFlag.product_model_id == model_id, DefectFlag.lot == lot, DefectFlag.day == today))
        if exists:
            continue
        row = DefectFlag(product_model_id=model_id, lot=lot, day=today, recent=flag.recent,
                         expected=round(flag.expected, 3), p_value=flag.p_value)
        db.session.add(row)
        new.append(row)
    if new:
        db.session.flush()
        _tell_supervisors(new)
    return new


def message(flag: DefectFlag) -> str:
    model = db.session.get(ProductModel, flag.product_model_id)
    name = f"{model.code} {model.name}" if model is not None else str(flag.product_model_id)
    if flag.lot:
        return _("Possible batch defect: %(model)s lot %(lot)s had %(count)d faults in 30 days (about %(expected)s "
                 "expected).", model=name, lot=flag.lot, count=flag.recent, expected=f"{flag.expected:.1f}")
    return _("Possible batch defect: %(model)s had %(count)d faults in 30 days (about %(expected)s expected).",
             model=name, count=flag.recent, expected=f"{flag.expected:.1f}")


def _tell_supervisors(flags: list[DefectFlag]) -> None:
    people = db.session.scalars(db.select(User).where(User.role.in_(SUPERVISORS), User.active.is_(True))).all()
    for person in people:
        with force_locale(person.locale if person.locale in LOCALES else "zh_CN"):
            for flag in flags:
                db.session.add(InboxItem(user_id=person.id, ticket_id=None, kind=MESSAGE_KIND, text=message(flag)))


def recent_flags(since: date, limit: int = 50) -> list[DefectFlag]:
    """Flags raised since a day: the latest per model and lot first."""
    return db.session.scalars(db.select(DefectFlag).where(DefectFlag.day >= since)
                              .options(joinedload(DefectFlag.product_model))
                              .order_by(DefectFlag.day.desc(), DefectFlag.p_value).limit(limit)).all()


@dataclass
class DrillRow:
    ticket_id: int
    number: str
    created_at: object
    serial: str | None
    lot: str | None
    description: str
    cause_category: str | None


def drill_down(flag: DefectFlag) -> dict[str | None, list[DrillRow]]:
    """The fault tickets of the flag's window: numbers, serials and descriptions by cause category."""
    _, start, end = rule.window(flag.day)
    since, _ = day_bounds(start)
    until, _ = day_bounds(end)
    query = (db.select(TicketFact.ticket_id, Ticket.number, TicketFact.created_at, TicketFact.serial, TicketFact.lot,
                       Ticket.description, TicketFact.cause_category)
             .join(Ticket, Ticket.id == TicketFact.ticket_id)
             .where(TicketFact.product_model_id == flag.product_model_id, TicketFact.created_at >= since,
                    TicketFact.created_at < until, TicketFact.category.in_(FAULT_CATEGORIES),
                    TicketFact.status != "cancelled")
             .order_by(TicketFact.created_at.desc()).limit(500))
    if flag.lot:
        query = query.where(TicketFact.lot == flag.lot)
    groups: dict = {}
    for row in db.session.execute(query):
        groups.setdefault(row.cause_category, []).append(DrillRow(*row))
    return groups
