"""Idempotent submissions: the @idempotent view decorator and the stored answer per Idempotency-Key, so that a
replayed submission gets the first answer back and never applies twice.

A key is claimed in a transaction of its own, so a concurrent replay sees it at once and gets 409.
The view's changes and the record's move to "applied" commit together (portal.web.forms.commit); the
answer is stored right after. A record left "running" by a crashed worker is taken over after STALE_AFTER.
"""
import hashlib
import re
from datetime import timedelta
from functools import wraps

from flask import Response, current_app, g, make_response, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from portal.domain.time import as_utc, utcnow
from portal.extensions import db
from portal.models import IdempotencyRecord
from portal.web.errors import error_response

KEY_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
IGNORED_FIELDS = frozenset({"csrf_token", "idempotency_key"})
STORED_HEADERS = ("Location", "HX-Redirect", "HX-Location", "Retry-After")
STALE_AFTER = timedelta(minutes=5)


def request_key() -> str | None:
    return request.headers.get("Idempotency-Key") or request.form.get("idempotency_key") or None


def request_fingerprint() -> str:
    """What makes two submissions the same: path, text fields and the bytes of every file."""
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    for name in sorted(k for k in request.form.keys() if k not in IGNORED_FIELDS):
        for value in request.form.getlist(name):
            digest.update(f"{name}={value}\n".encode())
    for name in sorted(request.files.keys()):
        for upload in request.files.getlist(name):
            content = upload.stream.read()
            upload.stream.seek(0)
            digest.update(f"{name}:{hashlib.sha256(content).hexdigest()}\n".encode())
    return digest.hexdigest()


def claim(user_id: int, key: str, fingerprint: str) -> tuple[IdempotencyRecord, bool]:
    """(record, True) when this request owns the key now; (existing record, False) otherwise."""
    db.session.rollback()
    record = IdempotencyRecord(user_id=user_id, key=key, request_hash=fingerprint, path=request.path[:300])
    db.session.add(record)
    try:
        db.session.commit()
        return record, True
    except IntegrityError:
        db.session.rollback()
    existing = db.session.scalar(db.select(IdempotencyRecord).where(
        IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key))
    if existing is not None and existing.state == "running" and _stale(existing) \
            and existing.request_hash == fingerprint:
        existing.created_at = utcnow()
        db.session.commit()
        return existing, True
    return existing, False


def _stale(record: IdempotencyRecord) -> bool:
    return utcnow() - as_utc(record.created_at) > STALE_AFTER


def mark_applied(record: IdempotencyRecord) -> None:
    """Called right before the view commits, so the change and this mark land together."""
    record.state = "applied"
    db.session.add(record)


def release(record: IdempotencyRecord) -> None:
    """The request failed without a stored answer (a 5xx): a replay may run it again."""
    db.session.rollback()
    db.session.execute(db.delete(IdempotencyRecord).where(IdempotencyRecord.id == record.id))
    db.session.commit()


def store(record: IdempotencyRecord, response: Response) -> None:
    db.session.rollback()
    record = db.session.merge(record)
    record.state = "done"
    record.status_code = response.status_code
    record.content_type = response.content_type
    record.headers = {h: response.headers[h] for h in STORED_HEADERS if h in response.headers}
    record.body = response.get_data()
    record.completed_at = utcnow()
    db.session.commit()


def stored_response(record: IdempotencyRecord) -> Response:
    if record.state == "applied":
        # The change committed but the worker stopped before storing the answer (STALE_AFTER ago).
        response = Response(b'{"ok": true, "replayed": true}', 200, content_type="application/json")
    else:
        response = Response(record.body or b"", record.status_code or 200, content_type=record.content_type,
                            headers=record.headers or {})
    response.headers["Idempotent-Replayed"] = "true"
    return response


def idempotent(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        key = request_key()
        if key is None:
            return view(*args, **kwargs)
        if not KEY_RE.match(key):
            return error_response(400, _("The submission carries a malformed idempotency key."))
        fingerprint = request_fingerprint()
        record, owned = claim(current_user.id, key, fingerprint)
        if not owned:
            if record is not None and record.request_hash != fingerprint:
                return error_response(422, _("This submission key was already used for different data. "
                                             "Edit the item and send it again."))
            # Applied but not yet answered: the answer is being stored this moment, so the replay is told to
            # come back for it (every copy then gets the same answer), unless the worker died after its commit.
            if record is None or record.state == "running" or (record.state == "applied" and not _stale(record)):
                response = make_response(error_response(409, _("This submission is still being processed."),
                                                        retry=True))
                response.headers["Retry-After"] = "1"
                return response
            return stored_response(record)
        g.idempotency_record = record
        try:
            response = make_response(view(*args, **kwargs))
        except HTTPException as error:
            db.session.rollback()
            response = make_response(current_app.handle_user_exception(error))
        except Exception:
            release(record)
            raise
        # A refusal that changed nothing (a 4xx such as a form with errors) frees the key: the corrected
        # form is sent again under the same key, and must not be taken for a different body.
        if response.status_code >= 500 or (response.status_code >= 400 and record.state != "applied"):
            release(record)
        else:
            store(record, response)
        return response

    return wrapped

