"""The @idempotent view decorator: one submission per Idempotency-Key, however often it is replayed."""
from functools import wraps

from flask import current_app, g, make_response
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from portal.extensions import db
from portal.services import idempotency


def idempotent(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        from portal.errors import error_response

        key = idempotency.request_key()
        if key is None:
            return view(*args, **kwargs)
        if not idempotency.KEY_RE.match(key):
            return error_response(400, _("The submission carries a malformed idempotency key."))
        fingerprint = idempotency.request_fingerprint()
        record, owned = idempotency.claim(current_user.id, key, fingerprint)
        if not owned:
            if record is not None and record.request_hash != fingerprint:
                return error_response(422, _("This submission key was already used for different data. "
                                             "Edit the item and send it again."))
            if record is None or record.state == "running":
                response = make_response(error_response(409, _("This submission is still being processed."),
                                                        retry=True))
                response.headers["Retry-After"] = "1"
                return response
            return idempotency.stored_response(record)
        g.idempotency_record = record
        try:
            response = make_response(view(*args, **kwargs))
        except HTTPException as error:
            db.session.rollback()
            response = make_response(current_app.handle_user_exception(error))
        except Exception:
            idempotency.release(record)
            raise
        # A refusal that changed nothing (a 4xx such as a form with errors) frees the key: the corrected
        # form is sent again under the same key, and must not be taken for a different body.
        if response.status_code >= 500 or (response.status_code >= 400 and record.state != "applied"):
            idempotency.release(record)
        else:
            idempotency.store(record, response)
        return response

    return wrapped


def commit() -> None:
    """Commit the request's changes; under @idempotent the key is marked applied in the same transaction."""
    record = g.get("idempotency_record")
    if record is not None:
        idempotency.mark_applied(record)
    db.session.commit()
