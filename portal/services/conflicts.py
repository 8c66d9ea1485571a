"""Field submissions that arrive after the ticket moved on: kept, shown to the engineer and the supervisor."""
from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import SyncConflict, Ticket, TicketEvent, User
from portal.services import ServiceError
from portal.services.events import add_event


def was_assigned_to(ticket: Ticket, user: User) -> bool:
    events = db.session.scalars(db.select(TicketEvent).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "assigned")).all()
    return any((event.data or {}).get("to") == user.id for event in events)


def record_conflict(ticket: Ticket, user: User, *, action: str, reason: str, payload: dict,
                    idempotency_key: str | None) -> SyncConflict:
    conflict = SyncConflict(ticket_id=ticket.id, user_id=user.id, action=action, reason=reason, payload=payload,
                            idempotency_key=idempotency_key)
    db.session.add(conflict)
    add_event(ticket, user, "sync_conflict", body=reason, data={"action": action})
    return conflict


def resolve_conflict(ticket: Ticket, conflict: SyncConflict, user: User) -> None:
    """The supervisor has dealt with a field submission that no longer fitted the ticket (once)."""
    if conflict.ticket_id != ticket.id:
        raise ServiceError("conflict of another ticket", status=404)
    if conflict.resolved_at is not None:
        return
    conflict.resolved_at, conflict.resolved_by_id = utcnow(), user.id
    add_event(ticket, user, "sync_conflict_resolved", data={"conflict": conflict.id})


def open_conflicts(ticket_id: int) -> list[SyncConflict]:
    return db.session.scalars(db.select(SyncConflict).where(
        SyncConflict.ticket_id == ticket_id, SyncConflict.resolved_at.is_(None)).order_by(SyncConflict.id)).all()
