"""The dashboards' rollup: one TicketFact row per ticket, rewritten whenever a transaction changes the ticket
(or adds to its timeline), from the same SLA clock the ticket page reads; and the reading side, which turns
the rows that match a filter into portal.domain.metrics facts. No request ever reads the tickets themselves."""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.domain import histograms, metrics, quality
from portal.domain.time import as_utc, utcnow
from portal.extensions import db
from portal.models import (
    Acceptance,
    Asset,
    Department,
    Diagnosis,
    ProductModel,
    Survey,
    Ticket,
    TicketEvent,
    TicketFact,
    User,
    WorkRecord,
)
from portal.services import rollup, sla
from portal.services.localtime import day_bounds, local

PENDING_KEY = "portal.stats_tickets"
ESCALATION_KINDS = frozenset({"escalated", "escalation_requested"})


# ---- Writing the rollup --------------------------------------------------------------------------------------

def _seconds(reading) -> int | None:
    return round(reading.elapsed) if reading.stopped_at is not None else None


def _met(reading) -> bool | None:
    """Met or breached once decided; a running clock already past its target is breached too."""
    if reading.met is not None:
        return reading.met
    return False if reading.breached else None


def refresh(ticket: Ticket, now: datetime | None = None) -> TicketFact:
    """Rewrite the figures of one ticket from its clock, visits, work, diagnosis and survey."""
    with db.session.no_autoflush:
        reading = sla.reading(ticket, now)
        ticket_id = ticket.id
        survey = db.session.scalar(db.select(Survey.result).where(Survey.ticket_id == ticket_id))
        rating = survey if survey is not None else db.session.scalar(
            db.select(Acceptance.rating).where(Acceptance.ticket_id == ticket_id).order_by(Acceptance.id.desc())
            .limit(1))
        cause = db.session.scalar(db.select(Diagnosis.cause_category).where(Diagnosis.ticket_id == ticket_id)
                                  .order_by(Diagnosis.id.desc()).limit(1))
        labour = db.session.scalar(db.select(db.func.coalesce(db.func.sum(WorkRecord.labour_minutes), 0))
                                   .where(WorkRecord.ticket_id == ticket_id))
        lot = db.session.scalar(db.select(Asset.batch).where(Asset.id == ticket.asset_id)) if ticket.asset_id else None
        customer = ticket.customer
        row = db.session.get(TicketFact, ticket_id)
        if row is None:
            row, old_serial = TicketFact(ticket_id=ticket_id), None
        else:
            rollup.remember(db.session, rollup.cell_of(row))
            old_serial = row.serial
    values = dict(
        created_at=ticket.created_at, resolved_at=ticket.resolved_at, closed_at=ticket.closed_at,
        status=ticket.status, priority=ticket.priority, category=ticket.category, channel=ticket.channel,
        # The mode decided at triage, else the one the customer asked for (send-in is the depot).
        mode=ticket.mode or {"send_in": "depot"}.get(ticket.service_mode, ticket.service_mode),
        tier=customer.tier if customer is not None else None,
        region=customer.region if customer is not None else None, department_id=ticket.department_id,
        product_model_id=ticket.product_model_id, engineer_id=ticket.assignee_id, serial=ticket.serial, lot=lot,
        cause_category=cause, response_seconds=_seconds(reading.response),
        resolution_seconds=_seconds(reading.resolution), response_met=_met(reading.response),
        resolution_met=_met(reading.resolution), visits=ticket.visit_count or 0, reopens=ticket.reopen_count or 0,
        escalated=any(e.kind in ESCALATION_KINDS for e in ticket.events), rating=rating, labour_minutes=labour or 0)
    for name, value in values.items():
        setattr(row, name, value)
    zone_day = day_reader()
    row.created_day = zone_day(row.created_at)
    row.closed_day = zone_day(row.closed_at) if row.closed_at is not None else None
    row.refreshed_at = utcnow()
    db.session.add(row)
    for serial in {old_serial, row.serial} - {None, ""}:
        update_serial(serial, row)
    if not row.serial:
        row.repeat = row.returned = False
        derive(row)
    rollup.remember(db.session, rollup.cell_of(row))
    return row


def derive(row: TicketFact) -> None:
    """What the daily sums add up, decided by the metrics module from the row's own figures."""
    fact = _facts([row])[0]
    row.response_bucket = histograms.bucket_of(row.response_seconds)
    row.resolution_bucket = histograms.bucket_of(row.resolution_seconds)
    row.verdict = metrics.sla_verdict(fact)
    row.fixed = quality.first_time_fixed(fact, row.returned) if fact.done else None
    row.satisfied = quality.satisfied(row.rating)


def update_serial(serial: str, row: TicketFact) -> None:
    """Repeat and came-back flags of every ticket on the serial (a new ticket changes its predecessor's): the rows
    whose flags change are rewritten, with their cells."""
    with db.session.no_autoflush:
        others = db.session.scalars(db.select(TicketFact).where(TicketFact.serial == serial,
                                                                TicketFact.ticket_id != row.ticket_id)).all()
    group = [x for x in others if x.serial == serial] + ([row] if row.serial == serial else [])
    flags = quality.serial_flags((x.ticket_id, as_utc(x.created_at), as_utc(x.closed_at)) for x in group)
    for x in group:
        repeat, returned = flags[x.ticket_id]
        if x is not row and (x.repeat, x.returned) == (repeat, returned):
            continue
        if x is not row:
            rollup.remember(db.session, rollup.cell_of(x))
        x.repeat, x.returned = repeat, returned
        derive(x)


def refresh_batch(after_id: int = 0, batch: int = 500, since: datetime | None = None,
                  rebuild_follows: bool = False) -> int | None:
    """Refresh the next `batch` tickets after `after_id` (changed since `since`, when given); the last id done,
    or None when there are no more. The task (portal.tasks.stats) commits each batch. The cells the refreshed
    rows were in and are in now are rewritten at the commit, as for any change, unless the caller rebuilds every
    cell afterwards (`rebuild_follows`: the nightly task): forgetting them otherwise left a ticket's old cell
    behind when its dimensions had changed since the last commit (the demo seed's 889 cells against 888)."""
    query = db.select(Ticket).where(Ticket.id > after_id).order_by(Ticket.id).limit(batch)
    if since is not None:
        query = query.where(Ticket.updated_at >= since)
    last = None
    for ticket in db.session.scalars(query).all():
        refresh(ticket)
        last = ticket.id
    if rebuild_follows:
        rollup.forget(db.session)
    return last


@event.listens_for(Session, "before_flush")
def _remember(session, _context, _instances) -> None:
    touched = session.info.setdefault(PENDING_KEY, set())
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Ticket):
            touched.add(obj)
        elif isinstance(obj, TicketEvent) and obj.ticket is not None:
            touched.add(obj.ticket)


@event.listens_for(Session, "before_commit")
def _write_facts(session) -> None:
    if session.info.get(PENDING_KEY) is None and not (session.new or session.dirty):
        return
    session.flush()  # what is still pending names its tickets through _remember
    touched = session.info.pop(PENDING_KEY, None) or set()
    for ticket in touched:
        if ticket in session.deleted or ticket.id is None or ticket not in session:
            continue
        refresh(ticket)
    rollup.rewrite_pending(session)


@event.listens_for(Session, "after_rollback")
def _forget(session) -> None:
    session.info.pop(PENDING_KEY, None)
    rollup.forget(session)


# ---- Reading: filters and facts ------------------------------------------------------------------------------

DIMENSIONS = ("department", "category", "model", "channel", "priority", "tier", "engineer", "mode", "region")


@dataclass
class Filters:
    """What the dashboard (and its exports, and the queue it links to) is narrowed to; all in the URL."""

    start: date
    end: date  # inclusive
    department: int | None = None
    category: str | None = None
    model: int | None = None
    channel: str | None = None
    priority: str | None = None
    tier: str | None = None
    engineer: int | None = None
    mode: str | None = None
    region: str | None = None
    include_excluded: bool = False
    errors: dict = field(default_factory=dict)

    def as_args(self) -> dict:
        """The filters as URL arguments (only those set)."""
        args = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        for name in DIMENSIONS:
            if getattr(self, name) not in (None, ""):
                args[name] = getattr(self, name)
        if self.include_excluded:
            args["all"] = "1"
        return args

    @property
    def since(self) -> datetime:
        return _moment(self.start)

    @property
    def until(self) -> datetime:
        return _moment(self.end + timedelta(days=1))


def _moment(day: date) -> datetime:
    """Midnight of `day` in the portal's time zone, as an aware moment."""
    return day_bounds(day)[0]


def _where(query, f: Filters):
    columns = {"department": TicketFact.department_id, "category": TicketFact.category,
               "model": TicketFact.product_model_id, "channel": TicketFact.channel, "priority": TicketFact.priority,
               "tier": TicketFact.tier, "engineer": TicketFact.engineer_id, "mode": TicketFact.mode,
               "region": TicketFact.region}
    for name, column in columns.items():
        value = getattr(f, name)
        if value not in (None, ""):
            query = query.where(column == value)
    return query


def _facts(rows) -> list[metrics.TicketFacts]:
    return [metrics.TicketFacts(
        id=r.ticket_id, created_at=as_utc(r.created_at), status=r.status, priority=r.priority,
        department=r.department_id, category=r.category, channel=r.channel, model=r.product_model_id,
        region=r.region, mode=r.mode, tier=r.tier, engineer=r.engineer_id, serial=r.serial,
        resolved_at=as_utc(r.resolved_at), closed_at=as_utc(r.closed_at), response_seconds=r.response_seconds,
        resolution_seconds=r.resolution_seconds, response_met=r.response_met, resolution_met=r.resolution_met,
        visits=r.visits, reopens=r.reopens, escalated=r.escalated, rating=r.rating,
        labour_minutes=r.labour_minutes or 0) for r in rows]


_COLUMNS = tuple(TicketFact.__table__.c)


def facts_created(f: Filters) -> list[metrics.TicketFacts]:
    """Tickets registered in the period that match the filters (plain rows: no ORM objects to build)."""
    query = _where(db.select(*_COLUMNS).where(TicketFact.created_at >= f.since, TicketFact.created_at < f.until), f)
    facts = _facts(db.session.execute(query).all())
    return metrics.counted(facts, f.include_excluded)


def facts_alive(f: Filters) -> list[metrics.TicketFacts]:
    """Tickets open at some moment of the period (for volume over time and the backlog)."""
    query = _where(db.select(*_COLUMNS).where(
        TicketFact.created_at < f.until, db.or_(TicketFact.closed_at.is_(None), TicketFact.closed_at >= f.since)), f)
    facts = _facts(db.session.execute(query).all())
    return metrics.counted(facts, f.include_excluded)


def names() -> dict:
    """Labels for the ids the facts carry: departments, models, engineers."""
    return {
        "department": dict(db.session.execute(db.select(Department.id, Department.name)).all()),
        "model": dict(db.session.execute(db.select(ProductModel.id, ProductModel.code)).all()),
        "engineer": dict(db.session.execute(db.select(User.id, User.name).where(User.role == "engineer")).all()),
    }


def local_day(moment: datetime) -> date:
    return local(moment).date()


def day_reader():
    """local_day with the zone looked up once: the volume figures read two days per ticket."""
    zone = local(utcnow()).tzinfo
    return lambda moment: as_utc(moment).astimezone(zone).date()
