"""Deliver a message (a Notification row) on its channel through its adapter (portal.channels), on the task
queue. Idempotent: a message that is no longer queued is left alone. A refusal for good fails the message at
once; a provider that does not answer raises, so the queue retries with a back-off. WeChat needs the customer's
openid, which the portal does not hold yet: until then a WeChat message goes as a text message. Neither
recipients nor texts are logged."""
import logging
from datetime import datetime

from flask import current_app

from portal.channels import Message, PermanentFailure, TemporaryFailure, adapter_for
from portal.domain.privacy import hide_link_tokens
from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import Notification
from portal.services import mail_replies, preferences, provider_templates, wechat
from portal.services.inbox import CALENDAR
from portal.services.jobs import WIPED
from portal.services.mailer import LINK_KINDS, PREFERENCES_FOOTER, SECRET_KINDS
from portal.services.visit_calendar import visit_ics
from portal.tasks.queue import gave_up, handler

log = logging.getLogger(__name__)


def _finish(notice: Notification, status: str) -> None:
    notice.status = status
    if status == "sent":
        notice.sent_at = utcnow()
    if notice.kind in SECRET_KINDS:
        notice.body = WIPED  # the link or code must not outlive the message
        notice.data = None
    elif notice.kind in LINK_KINDS:
        notice.body = hide_link_tokens(notice.body)  # the rest of the message stays for the desk to read
        notice.data = {k: hide_link_tokens(v) for k, v in (notice.data or {}).items()} or None


def _route(notice: Notification) -> str:
    """The channel it goes on: WeChat to the openid of the customer's linked account, else (not linked yet) as a
    text message."""
    if notice.channel == "wechat":
        openid = wechat.openid_for(notice.ticket) if notice.ticket is not None else None
        if openid is not None:
            notice.recipient = openid
            return "wechat"
        notice.data = {**(notice.data or {}), "fallback": "sms"}
        return "sms"
    return notice.channel


def _attachments(notice: Notification, channel: str) -> tuple:
    """The visit's calendar file, on e-mail: booked, moved (same UID, higher SEQUENCE) or cancelled."""
    data = notice.data or {}
    if channel != "email" or notice.kind not in CALENDAR or not data.get("at"):
        return ()
    try:
        at = datetime.fromisoformat(data["at"])
    except ValueError:
        return ()
    ics = visit_ics(visit_id=data.get("visit") or notice.id, number=data.get("number") or "", at=at,
                    engineer=data.get("engineer") or "", address=data.get("address") or "",
                    sequence=int(data.get("sequence") or 0), cancelled=notice.kind == "visit_cancelled")
    return ((f"{data.get('number') or 'visit'}.ics", "text/calendar", ics),)


def _preferences_link(notice: Notification, channel: str) -> str | None:
    """A ticket e-mail to its contact carries the contact's preferences link (signed, no sign-in needed)."""
    if channel != "email" or notice.kind in SECRET_KINDS or notice.ticket is None or not notice.ticket.contact_id:
        return None
    return preferences.contact_link(notice.ticket.contact_id)


@handler("deliver_message")
def deliver(notice_id: int) -> None:
    notice = db.session.get(Notification, notice_id)
    if notice is None or notice.status != "queued" or notice.channel == "portal":
        return
    channel = _route(notice)
    adapter = adapter_for(channel, current_app.config)
    if adapter is None or not notice.recipient:
        _finish(notice, "unsent" if adapter is None else "failed")
        return
    template_id, mapped = provider_templates.for_message(channel, notice)
    link = _preferences_link(notice, channel)
    body = f"{notice.body}\n\n{PREFERENCES_FOOTER.format(link=link)}" if link else notice.body
    message = Message(id=notice.id, channel=channel, kind=notice.kind, recipient=notice.recipient, body=body,
                      variables=mapped if mapped is not None else
                      {k: v for k, v in (notice.data or {}).items() if k != "fallback"}, template_id=template_id,
                      attachments=_attachments(notice, channel),
                      reply_to=mail_replies.reply_address(notice.ticket_id) if channel == "email" else None,
                      preferences_link=link)
    try:
        status = adapter.send(message)
    except PermanentFailure as error:
        log.warning("message %s refused on %s: %s", notice_id, channel, type(error).__name__)
        _finish(notice, "failed")
        return
    except TemporaryFailure:
        raise  # the queue tries again later
    _finish(notice, status)


@gave_up("deliver_message")
def mark_failed(notice_id: int) -> None:
    notice = db.session.get(Notification, notice_id)
    if notice is not None and notice.status == "queued":
        _finish(notice, "failed")
