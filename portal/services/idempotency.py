"""Idempotency keys: a replayed submission gets the first answer back and never applies twice.

A key is claimed in a transaction of its own, so a concurrent replay sees it at once and gets 409.
The view's changes and the record's move to "applied" commit together; the answer is stored right
after. A record left "running" by a crashed worker is taken over after STALE_AFTER.
"""
import hashlib
import re
from datetime import timedelta

from flask import Response, request
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.models import IdempotencyRecord
from portal.models._base import as_utc, utcnow

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
        # The change committed but the worker stopped before storing the answer.
        response = Response(b'{"ok": true, "replayed": true}', 200, content_type="application/json")
    else:
        response = Response(record.body or b"", record.status_code or 200, content_type=record.content_type,
                            headers=record.headers or {})
    response.headers["Idempotent-Replayed"] = "true"
    return response
