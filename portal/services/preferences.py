"""Message preferences (portal.domain.message_prefs): a customer account's, and a contact's without an account (set
by the desk, or by the contact through the signed preferences link in messages, no sign-in); read for the form,
saved with the change in the security log like other account settings."""
from datetime import time

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer

from portal.domain import message_prefs as rules
from portal.extensions import db
from portal.models import Contact, ContactPreference, MessagePreference, User
from portal.services import ServiceError, security_log

LINK_SALT = "contact-message-preferences"


def of(user: User) -> MessagePreference | None:
    return db.session.get(MessagePreference, user.id)


def of_contact(contact: Contact) -> ContactPreference | None:
    return db.session.get(ContactPreference, contact.id)


def _apply(row, *, channels: dict, opted_out: bool, quiet: tuple[time, time] | None | str) -> dict:
    """Write the choices on `row`; the changes ({field: [before, after]})."""
    if any(kind not in rules.KINDS or choice not in rules.CHOICES for kind, choice in channels.items()):
        raise ServiceError(_l("Choose one of the channels offered."))
    if isinstance(quiet, tuple) and quiet[0] == quiet[1]:
        raise ServiceError(_l("Quiet hours must start and end at different times."), field="quiet_until")
    before = {"channels": row.channels, "opted_out": row.opted_out, "quiet_hours": row.quiet_hours}
    row.channels = {kind: choice for kind, choice in channels.items() if choice != "default"} or None
    row.opted_out = opted_out
    row.quiet_hours = None if quiet == "default" else (
        "" if quiet is None else f"{quiet[0].strftime('%H:%M')}-{quiet[1].strftime('%H:%M')}")
    after = {"channels": row.channels, "opted_out": row.opted_out, "quiet_hours": row.quiet_hours}
    db.session.add(row)
    return security_log.changes(before, after)


def save(user: User, *, channels: dict, opted_out: bool, quiet: tuple[time, time] | None | str) -> None:
    """`quiet`: (from, until); None: no quiet hours; "default": the portal's."""
    diff = _apply(of(user) or MessagePreference(user_id=user.id, opted_out=False), channels=channels,
                  opted_out=opted_out, quiet=quiet)
    if diff:
        security_log.record(security_log.MESSAGE_PREFERENCES, user=user, detail=diff)


def save_for_contact(contact: Contact, by: User | None, *, channels: dict, opted_out: bool,
                     quiet: tuple[time, time] | None | str) -> None:
    """The desk's change (`by`), or the contact's own through the link (`by` None)."""
    diff = _apply(of_contact(contact) or ContactPreference(contact_id=contact.id, opted_out=False),
                  channels=channels, opted_out=opted_out, quiet=quiet)
    if diff:
        security_log.record(security_log.MESSAGE_PREFERENCES, actor=by,
                            detail={"contact": contact.id, "via": "desk" if by is not None else "link", **diff})


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=LINK_SALT)


def contact_token(contact_id: int) -> str:
    """The signed token of a contact's preferences link (no expiry: an unsubscribe link must keep working)."""
    return _serializer().dumps(contact_id)


def contact_from_token(token: str) -> Contact | None:
    try:
        contact_id = _serializer().loads(token)
    except BadSignature:
        return None
    contact = db.session.get(Contact, contact_id) if isinstance(contact_id, int) else None
    return contact if contact is not None and contact.active else None


def contact_link(contact_id: int) -> str:
    """The contact's preferences link: built without a request (the task queue)."""
    path = current_app.url_map.bind("portal").build("site.contact_preferences_link",
                                                    {"token": contact_token(contact_id)})
    return f"{current_app.config['PUBLIC_BASE_URL']}{path}"
