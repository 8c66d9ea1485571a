"""A customer account's message preferences (portal.domain.message_prefs): read for the form, saved with the
change in the security log like other account settings."""
from datetime import time

from flask_babel import lazy_gettext as _l

from portal.domain import message_prefs as rules
from portal.extensions import db
from portal.models import MessagePreference, User
from portal.services import ServiceError, security_log


def of(user: User) -> MessagePreference | None:
    return db.session.get(MessagePreference, user.id)


def save(user: User, *, channels: dict, opted_out: bool, quiet: tuple[time, time] | None | str) -> None:
    """`quiet`: (from, until); None: no quiet hours; "default": the portal's."""
    if any(kind not in rules.KINDS or choice not in rules.CHOICES for kind, choice in channels.items()):
        raise ServiceError(_l("Choose one of the channels offered."))
    if isinstance(quiet, tuple) and quiet[0] == quiet[1]:
        raise ServiceError(_l("Quiet hours must start and end at different times."), field="quiet_until")
    row = of(user) or MessagePreference(user_id=user.id)
    before = {"channels": row.channels, "opted_out": row.opted_out, "quiet_hours": row.quiet_hours}
    row.channels = {kind: choice for kind, choice in channels.items() if choice != "default"} or None
    row.opted_out = opted_out
    row.quiet_hours = None if quiet == "default" else (
        "" if quiet is None else f"{quiet[0].strftime('%H:%M')}-{quiet[1].strftime('%H:%M')}")
    after = {"channels": row.channels, "opted_out": row.opted_out, "quiet_hours": row.quiet_hours}
    db.session.add(row)
    if diff := security_log.changes(before, after):
        security_log.record(security_log.MESSAGE_PREFERENCES, user=user, detail=diff)
