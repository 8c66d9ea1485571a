"""Forms drawn empty (a job page draws eight: the inspection, the diagnosis, the work done, …): built once a
process per form class instead of on every page, where binding their sixty fields was an eighth of the page.
Such a form is only drawn, never filled in or validated: a post builds its own. It is built without a CSRF
field, and portal.web.widgets.hidden writes what must be new on each page (the request's CSRF token, a fresh
idempotency key) from the request. Its labels and choices are lazy texts, translated as each page draws them."""
from flask import current_app

STORE = "portal_blank_forms"


def blank(form_cls):
    store = current_app.extensions.setdefault(STORE, {})
    form = store.get(form_cls)
    if form is None:
        form = store[form_cls] = form_cls(formdata=None, meta={"csrf": False})
        form.blank = True
    return form
