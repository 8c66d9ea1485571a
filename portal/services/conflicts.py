"""Field submissions that arrive after the ticket moved on: kept, shown to the engineer and the supervisor."""
from flask import request

from portal.extensions import db
from portal.models import SyncConflict, Ticket, TicketEvent, User
from portal.services.idempotency import IGNORED_FIELDS
from portal.services.tickets import add_event


def was_assigned_to(ticket: Ticket, user: User) -> bool:
    events = db.session.scalars(db.select(TicketEvent).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "assigned")).all()
    return any((event.data or {}).get("to") == user.id for event in events)


def record_conflict(ticket: Ticket, user: User, *, action: str, reason: str) -> SyncConflict:
    payload = {name: request.form.get(name) for name in request.form.keys()
               if name not in IGNORED_FIELDS and request.form.get(name)}
    files = sum(1 for name in request.files for f in request.files.getlist(name) if f and f.filename)
    if files:
        payload["_photos"] = files
    conflict = SyncConflict(ticket_id=ticket.id, user_id=user.id, action=action, reason=reason, payload=payload,
                            idempotency_key=request.headers.get("Idempotency-Key"))
    db.session.add(conflict)
    add_event(ticket, user, "sync_conflict", body=reason, data={"action": action})
    return conflict


def open_conflicts(ticket_id: int) -> list[SyncConflict]:
    return db.session.scalars(db.select(SyncConflict).where(
        SyncConflict.ticket_id == ticket_id, SyncConflict.resolved_at.is_(None)).order_by(SyncConflict.id)).all()
