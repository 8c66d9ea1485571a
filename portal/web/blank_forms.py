"""Forms drawn empty (a job page draws eight: the inspection, the diagnosis, the work done, …): built once a
process per form class instead of on every page, where binding their sixty fields was an eighth of the page.
Such a form is only drawn, never filled in or validated: a post builds its own. It is built without a CSRF
field, and portal.web.widgets.hidden writes what must be new on each page (the request's CSRF token, a fresh
idempotency key) from the request. Its labels and choices are lazy texts; its fields keep the HTML they drew
per language (portal.web.widgets.field)."""
from flask import current_app

STORE = "portal_blank_forms"


def blank(form_cls):
    store = current_app.extensions.setdefault(STORE, {})
    form = store.get(form_cls)
    if form is None:
        form = store[form_cls] = form_cls(formdata=None, meta={"csrf": False})
        form.blank = True
        _mark(form)
    return form


def _mark(form) -> None:
    """Its fields too (those of a list of sub-forms included): portal.web.widgets.field keeps what they drew."""
    for field in form:
        field.blank = True
        for entry in getattr(field, "entries", ()):
            _mark(entry.form if hasattr(entry, "form") else [entry])
