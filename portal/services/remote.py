"""The remote path: calls and remote sessions logged, the fix handed to the customer with what was done, their
confirmation on the portal (or "not fixed", which reopens it), and automatic closing after
REMOTE_CONFIRM_DAYS without an answer."""
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.domain import modes, workflow
from portal.domain.time import as_utc, utcnow
from portal.extensions import db
from portal.models import RemoteSession, Ticket, User
from portal.services import ServiceError, sla
from portal.services.events import add_event
from portal.services.transitions import apply_action

KINDS = ("call", "session")
RESULTS = ("fixed", "partly", "not_fixed", "no_answer")


def sessions(ticket: Ticket) -> list[RemoteSession]:
    return list(db.session.scalars(db.select(RemoteSession).where(RemoteSession.ticket_id == ticket.id)
                                   .order_by(RemoteSession.started_at.desc(), RemoteSession.id.desc())))


def log_session(ticket: Ticket, user: User, *, kind: str, started_at: datetime, minutes: int, tried: str,
                result: str) -> RemoteSession:
    """A call or remote session; the first one starts the work (and answers the customer: first response)."""
    if kind not in KINDS:
        raise ServiceError(_l("Choose call or remote session."), field="kind")
    if result not in RESULTS:
        raise ServiceError(_l("Choose the result."), field="result")
    if not 0 <= (minutes or 0) <= 600:
        raise ServiceError(_l("Minutes from 0 to 600."), field="minutes")
    if as_utc(started_at) > utcnow() + timedelta(minutes=5):
        raise ServiceError(_l("The session cannot start in the future."), field="started_at")
    if not (tried or "").strip():
        raise ServiceError(_l("Say what was tried."), field="tried")
    apply_action(ticket, "log_remote", user)
    record = RemoteSession(ticket_id=ticket.id, user_id=user.id, kind=kind, started_at=started_at,
                           minutes=minutes, tried=tried.strip()[:4000], result=result)
    db.session.add(record)
    sla.record_first_response(ticket, user)
    add_event(ticket, user, "remote_session", body=tried.strip()[:4000],
              data={"kind": kind, "minutes": minutes, "result": result}, customer_visible=True)
    sla.refresh(ticket)
    return record


def resolve(ticket: Ticket, user: User, *, work_done: str) -> None:
    """Handed to the customer to confirm, with what was done in their words."""
    if not (work_done or "").strip():
        raise ServiceError(_l("Say what was done."), field="work_done")
    apply_action(ticket, "resolve_remote", user)
    ticket.resolved_at = utcnow()
    add_event(ticket, user, "resolved", body=work_done.strip()[:2000], data={"remote": True},
              customer_visible=True)
    sla.refresh(ticket)


def confirm(ticket: Ticket, user: User) -> None:
    apply_action(ticket, "confirm_fix", user)
    ticket.closed_at = utcnow()
    add_event(ticket, user, "fix_confirmed", customer_visible=True)
    sla.refresh(ticket)


def not_fixed(ticket: Ticket, user: User, *, reason: str) -> None:
    if not (reason or "").strip():
        raise ServiceError(_l("Tell us what is not right."), field="reason")
    apply_action(ticket, "not_fixed", user)
    ticket.reopen_count += 1
    ticket.resolved_at = None
    add_event(ticket, user, "rejected", body=reason.strip()[:1000], data={"remote": True}, customer_visible=True)
    sla.refresh(ticket)


def confirm_days() -> int:
    return int(current_app.config.get("REMOTE_CONFIRM_DAYS", 7))


def close_unanswered(now: datetime | None = None, limit: int = 500) -> int:
    """Close remote fixes the customer did not answer within the confirmation period. Idempotent: a closed
    ticket is no longer found; the event is the record."""
    now = now or utcnow()
    due = db.session.scalars(db.select(Ticket).where(
        Ticket.status == workflow.RESOLVED, Ticket.mode == modes.REMOTE,
        Ticket.resolved_at <= now - timedelta(days=confirm_days())).order_by(Ticket.id).limit(limit)).all()
    for ticket in due:
        apply_action(ticket, "auto_close", workflow.SYSTEM)
        ticket.closed_at = now
        add_event(ticket, None, "auto_closed", data={"days": confirm_days()}, customer_visible=True, at=now)
        sla.refresh(ticket)
    return len(due)
