"""Progress updates on the task queue (seed 000: every 12 h for P1-P2, 24 h for P3-P4, the SLA policy's update
target): when a ticket's update clock runs out without a customer-visible update, the assignee is reminded (the
desk when nobody is assigned) and the customer gets the latest update there is; PROGRESS_DESK_AFTER_MINUTES later,
still without one, the desk is reminded. Periodic, with the ticket as the record (update_reminded_for): each
reminder once per due time, however often the task runs."""
import logging
from datetime import datetime, timedelta

from flask import current_app
from huey import crontab
from sqlalchemy import and_, or_

from portal.domain.time import as_utc, utcnow
from portal.domain.workflow import OPEN_STATUSES
from portal.extensions import db, huey
from portal.models import Ticket, TicketEvent
from portal.services.events import add_event
from portal.tasks.queue import app_context

log = logging.getLogger(__name__)


def _latest_update(ticket: Ticket) -> str | None:
    return db.session.scalar(db.select(TicketEvent.body).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "customer_updated")
        .order_by(TicketEvent.id.desc()).limit(1))


def _due(now: datetime, after_id: int, limit: int) -> list[Ticket]:
    """Open tickets whose update is due and not yet reminded for this due time, or overdue for the desk."""
    desk_after = timedelta(minutes=current_app.config["PROGRESS_DESK_AFTER_MINUTES"])
    return db.session.scalars(db.select(Ticket).where(
        Ticket.update_due_at <= now, Ticket.status.in_(OPEN_STATUSES), Ticket.id > after_id,
        or_(Ticket.update_reminded_for.is_(None), Ticket.update_reminded_for < Ticket.update_due_at,
            and_(Ticket.update_reminded_for == Ticket.update_due_at, Ticket.update_due_at <= now - desk_after))
    ).order_by(Ticket.id).limit(limit)).all()


def remind_ticket(ticket: Ticket, now: datetime) -> str | None:
    """The reminder this ticket is due now, written (its messages go when the transaction commits)."""
    due = as_utc(ticket.update_due_at)
    reminded = as_utc(ticket.update_reminded_for) if ticket.update_reminded_for else None
    desk_at = due + timedelta(minutes=current_app.config["PROGRESS_DESK_AFTER_MINUTES"])
    stamp = due.isoformat(timespec="seconds")
    if reminded is None or reminded < due:
        data = {"due": stamp}
        if text := _latest_update(ticket):
            data["text"] = text
        add_event(ticket, None, "update_due", data=data, at=now)
        ticket.update_reminded_for = due
        return "update_due"
    if reminded == due and now >= desk_at:
        add_event(ticket, None, "update_overdue", data={"due": stamp}, at=now)
        ticket.update_reminded_for = desk_at
        return "update_overdue"
    return None


def remind(now: datetime | None = None, batch: int = 200) -> dict:
    now = now or utcnow()
    counts = {"update_due": 0, "update_overdue": 0}
    last_id = 0
    while tickets := _due(now, last_id, batch):
        for ticket in tickets:
            if kind := remind_ticket(ticket, now):
                counts[kind] += 1
            last_id = ticket.id
        db.session.commit()
    return counts


@huey.periodic_task(crontab(minute="*"))
def remind_every_minute() -> None:
    with app_context():
        counts = remind()
        if any(counts.values()):
            log.info("progress reminders: %s", counts)
