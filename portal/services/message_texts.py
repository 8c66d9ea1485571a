"""The admin's message texts: the built-in text and the written one per kind and language, a preview with sample
values, and saving (placeholders checked here, the change in the security log)."""
from types import SimpleNamespace

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from portal.domain import message_texts as rules
from portal.extensions import db
from portal.models import MessageText, User
from portal.services import ServiceError, inbox, security_log

SAMPLE_TICKET = SimpleNamespace(number=rules.SAMPLE["number"], priority=rules.SAMPLE["priority"], assignee_id=None)
SAMPLE_DATA = {"name": rules.SAMPLE["engineer"], "at": "2026-12-01T06:00:00+00:00", "due": "2026-12-01T06:00:00+00:00",
               "eta": "2026-12-01T05:40:00+00:00", "text": rules.SAMPLE["text"], "link": rules.SAMPLE["link"]}


def written(kind: str, locale: str) -> MessageText | None:
    return db.session.scalar(db.select(MessageText).where(MessageText.kind == kind, MessageText.locale == locale))


def builtin(kind: str, locale: str) -> str:
    """The built-in text with the sample values."""
    with force_locale(locale):
        return inbox.text(kind, SAMPLE_TICKET, SAMPLE_DATA, builtin=True)


def preview(kind: str, body: str) -> str:
    return rules.render(body, rules.SAMPLE)


def check(kind: str, body: str) -> None:
    if kind not in rules.VARIABLES:
        raise ServiceError(_l("No such kind of message."), status=404)
    if wrong := rules.problems(kind, body):
        raise ServiceError(_l("Unknown placeholders: %(names)s. Use only: %(allowed)s.",
                              names=", ".join("{" + name + "}" if name != "{" else "{" for name in wrong),
                              allowed=", ".join("{" + name + "}" for name in rules.VARIABLES[kind])), field="body")


def save(kind: str, locale: str, body: str, by: User) -> MessageText | None:
    """An empty text brings the built-in one back."""
    if locale not in rules.LOCALES:
        raise ServiceError(_l("No such language."), status=404)
    check(kind, body)
    row = written(kind, locale)
    before = row.body if row is not None else None
    if not body:
        if row is not None:
            db.session.delete(row)
        row = None
    else:
        row = row or MessageText(kind=kind, locale=locale)
        row.body, row.updated_by_id = body, by.id
        db.session.add(row)
    if before != (body or None):
        security_log.record(security_log.MESSAGE_TEXT_CHANGED, user=by,
                            detail={"kind": kind, "locale": locale, "text": [before, body or None]})
    db.session.info.pop(inbox.TEXTS_KEY, None)
    return row
