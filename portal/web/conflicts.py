"""A phone's submission that no longer fits its ticket when it arrives: kept with what was sent, never
dropped, and answered 409 so that the phone shows it as a conflict."""
from flask import request

from portal.models import Ticket, User
from portal.services import conflicts
from portal.web.errors import error_response
from portal.web.forms import commit
from portal.web.idempotency import IGNORED_FIELDS


def from_outbox() -> bool:
    return "Idempotency-Key" in request.headers


def keep_conflict(ticket: Ticket, user: User, reason: str):
    """Record the submission as sent (text fields and the number of photos) and answer 409."""
    payload = {name: request.form.get(name) for name in request.form.keys()
               if name not in IGNORED_FIELDS and request.form.get(name)}
    files = sum(1 for name in request.files for f in request.files.getlist(name) if f and f.filename)
    if files:
        payload["_photos"] = files
    conflicts.record_conflict(ticket, user, action=request.endpoint.rsplit(".", 1)[-1], reason=reason,
                              payload=payload, idempotency_key=request.headers.get("Idempotency-Key"))
    commit()
    return error_response(409, reason, conflict=True)
