"""What is the same for every request and changes rarely (the queue's filter choices, the parts a work form
offers), kept by the app for KEEP_SECONDS: a change to the rows it was read from, committed in this process,
clears it at once; one committed by another worker shows here within that time. Values are plain data (tuples,
ids, names), never ORM objects, which belong to one request's session."""
from collections.abc import Callable
from time import monotonic

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

KEEP_SECONDS = 30
STORE = "portal_kept"
CHANGED = "portal_kept_changed"
# Model class → the names of the kept values read from its rows.
_READ_FROM: dict[type, set[str]] = {}


def kept(name: str, models: tuple[type, ...], load: Callable):
    """The value kept under `name`, or load() when there is none or it is older than KEEP_SECONDS."""
    for model in models:
        _READ_FROM.setdefault(model, set()).add(name)
    store = current_app.extensions.setdefault(STORE, {})
    held = store.get(name)
    if held is not None and monotonic() - held[0] < KEEP_SECONDS:
        return held[1]
    value = load()
    store[name] = (monotonic(), value)
    return value


@event.listens_for(Session, "before_flush")
def _note_changes(session, _context, _instances) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        names = _READ_FROM.get(type(obj))
        if names:
            session.info.setdefault(CHANGED, set()).update(names)


@event.listens_for(Session, "after_commit")
def _forget_changed(session) -> None:
    names = session.info.pop(CHANGED, None)
    if names and has_app_context():
        store = current_app.extensions.get(STORE, {})
        for name in names:
            store.pop(name, None)


@event.listens_for(Session, "after_rollback")
def _keep(session) -> None:
    session.info.pop(CHANGED, None)
