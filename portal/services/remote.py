"""The remote path: calls and remote sessions logged by the desk or the engineer. The fix is then resolved
without a visit (portal.services.resolution), like a consultation."""
from datetime import UTC, datetime, timedelta

from flask_babel import lazy_gettext as _l

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
    # Stored in UTC like every moment (SQLite keeps no offset: a local time stored as such read back 8 h late).
    record = RemoteSession(ticket_id=ticket.id, user_id=user.id, kind=kind,
                           started_at=as_utc(started_at).astimezone(UTC), minutes=minutes,
                           tried=tried.strip()[:4000], result=result)
    db.session.add(record)
    sla.record_first_response(ticket, user)
    add_event(ticket, user, "remote_session", body=tried.strip()[:4000],
              data={"kind": kind, "minutes": minutes, "result": result}, customer_visible=True)
    sla.refresh(ticket)
    return record
