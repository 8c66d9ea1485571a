"""The one way a form post is handled, by every blueprint: validate the form, call one use case, commit once,
then answer the client it came from. Use cases only flush; the commit below is the request's only one, and
any refusal rolls everything back.

- validation errors and a ServiceError (attached to its field when it names one) re-render the page or
  fragment with the form as typed (4xx), or answer a JSON client (the phone's outbox) with the reasons;
- success answers a JSON client with {"ok": true, ...}, an htmx request with the fragment (or by following
  the redirect), and a plain post with a flash and a redirect (post/redirect/get).
"""
from collections.abc import Callable

from flask import current_app, flash, g, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from portal.extensions import db
from portal.services import ServiceError
from portal.web import idempotency as idempotency_service
from portal.web.errors import wants_json
from portal.web.render import is_htmx, redirect_to


class ButtonForm(FlaskForm):
    """A post with no fields of its own: only the CSRF token."""


def commit() -> None:
    """The request's commit; under @idempotent the submission key is marked applied in the same transaction."""
    record = g.get("idempotency_record")
    if record is not None:
        idempotency_service.mark_applied(record)
    db.session.commit()


def attach_error(form: FlaskForm, error: ServiceError) -> None:
    """The refusal next to the field it names, else above the form."""
    message = str(error.message)
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, message]
    else:
        form.form_errors.append(message)


def _validate(form: FlaskForm) -> bool:
    return form.validate_on_submit()


def too_many_files() -> ServiceError | None:
    """Every file of a request is decoded and re-encoded: at most MAX_UPLOAD_FILES of them per request, refused
    next to the photo field before any is opened."""
    limit = current_app.config["MAX_UPLOAD_FILES"]
    sent = sum(1 for name in request.files for upload in request.files.getlist(name) if upload and upload.filename)
    if sent <= limit:
        return None
    return ServiceError(_l("At most %(limit)s photos per submission; this one has %(sent)s. Send the others "
                           "separately.", limit=limit, sent=sent), field="photos")


def submit(form: FlaskForm, use_case: Callable, *, done: Callable, again: Callable,
           validate: Callable[[FlaskForm], bool] = _validate):
    """Validate `form` (or `validate(form)` when only part of it counts), run `use_case(form)`, commit, and
    return `done(result)`.

    A refusal rolls back and returns `again(status, error)`: 422 for invalid input (error None), the
    ServiceError's status otherwise, with the message already on the form."""
    valid = validate(form)
    crowded = too_many_files()
    if crowded is not None:
        db.session.rollback()
        attach_error(form, crowded)
        return again(crowded.status, crowded)
    if not valid:
        db.session.rollback()
        return again(422, None)
    try:
        result = use_case(form)
        commit()
    except ServiceError as error:
        db.session.rollback()
        attach_error(form, error)
        return again(error.status, error)
    return done(result)


def saved(message, url: str, *, fragment: Callable | None = None, json: dict | None = None,
          category: str = "success"):
    """The answer to a successful post, for each kind of client."""
    if wants_json():
        return {"ok": True, "message": str(message), **(json or {})}
    if fragment is not None and is_htmx():
        return fragment()
    if message:
        flash(str(message), category)
    return redirect_to(url)


def refused(form: FlaskForm, status: int, page: Callable, error: ServiceError | None = None):
    """The answer to a refused post: JSON clients get the reasons per field, browsers the page again."""
    if wants_json():
        fields = {name: [str(e) for e in errors] for name, errors in form.errors.items() if name}
        first = (str(error.message) if error is not None
                 else next((e for errors in fields.values() for e in errors), None)
                 or " ".join(map(str, form.form_errors)) or _("Check the form."))
        return {"ok": False, "error": first, "fields": fields}, status
    return page(status)
