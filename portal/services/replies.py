"""Customers' replies that come back on a channel (the WeChat official account's inbound webhook; e-mail replies
through portal.services.mail_replies): checked, then put on the ticket as the answer to the open question when
there is one, else as a customer message; either way on the desk's list of follow-up tasks, so that someone
answers. A reply delivered twice (same message id) is recorded once."""
import hashlib
import hmac
from datetime import datetime, timedelta
from xml.etree import ElementTree

from portal.domain.time import utcnow
from portal.domain.workflow import OPEN_STATUSES
from portal.extensions import db
from portal.models import FollowUpTask, Ticket, TicketEvent, User, WechatLink
from portal.services import selfservice
from portal.services.events import add_event

MAX_BODY = 64 * 1024
MAX_AGE = timedelta(minutes=5)


def signature_ok(token: str | None, signature: str | None, timestamp: str | None, nonce: str | None,
                 now: datetime | None = None) -> bool:
    """WeChat's check: sha1 of the sorted token, timestamp and nonce; and a timestamp of the last five minutes."""
    if not (token and signature and timestamp and nonce):
        return False
    expected = hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()  # noqa: S324 - WeChat's
    if not hmac.compare_digest(expected, signature):
        return False
    try:
        sent = datetime.fromtimestamp(int(timestamp), tz=(now or utcnow()).tzinfo)
    except (ValueError, OverflowError, OSError):
        return False
    return abs((now or utcnow()) - sent) <= MAX_AGE


def parse(body: bytes) -> dict | None:
    """The fields of a text message (FromUserName, Content, MsgId), or None for anything else."""
    if len(body) > MAX_BODY or b"<!DOCTYPE" in body or b"<!ENTITY" in body:
        return None
    try:
        root = ElementTree.fromstring(body)  # noqa: S314 - size-capped, no DTD or entities (checked above)
    except ElementTree.ParseError:
        return None
    fields = {child.tag: (child.text or "").strip() for child in root}
    if fields.get("MsgType") != "text" or not fields.get("FromUserName") or not fields.get("Content"):
        return None
    return fields


def record_wechat_reply(fields: dict) -> TicketEvent | None:
    """The reply on the sender's latest open ticket; None when nobody or no ticket matches (or already done)."""
    msg_id = fields.get("MsgId") or None
    user = db.session.scalar(db.select(User).join(WechatLink, WechatLink.user_id == User.id).where(
        WechatLink.openid == fields["FromUserName"], User.active.is_(True)))
    if user is None or user.customer_id is None:
        return None
    ticket = db.session.scalar(db.select(Ticket).where(Ticket.customer_id == user.customer_id,
                                                       Ticket.status.in_(OPEN_STATUSES))
                               .order_by(Ticket.id.desc()).limit(1))
    if ticket is None:
        return None
    if msg_id and db.session.scalar(db.select(TicketEvent.id).where(
            TicketEvent.ticket_id == ticket.id, TicketEvent.kind.in_((selfservice.ANSWER, "customer_message")),
            TicketEvent.data["msg_id"].as_string() == msg_id).limit(1)):
        return None
    return land(ticket, user, fields["Content"], via="wechat", msg_id=msg_id)


def land(ticket: Ticket, user: User | None, text: str, *, via: str, msg_id: str | None) -> TicketEvent:
    """A customer's reply on `ticket` (WeChat, e-mail): the answer to the open question when there is one, else a
    customer message; and on the desk's list of follow-up tasks. `user`: the customer's account, None for a
    contact without one."""
    text = text[:2000]
    open_question = next((q for q, a in selfservice.questions(ticket) if a is None), None) \
        if user is not None else None
    if open_question is not None:
        event = selfservice.answer_question(ticket, user, question_id=open_question.id, answer=text)
        event.data = {**(event.data or {}), "via": via, "msg_id": msg_id}
    else:
        event = add_event(ticket, user, "customer_message", body=text, customer_visible=True,
                          data={"via": via, "msg_id": msg_id})
    db.session.add(FollowUpTask(ticket_id=ticket.id, kind="reply", note=text,
                                created_by_id=user.id if user is not None else None, data={"via": via}))
    return event
