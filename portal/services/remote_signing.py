"""Signing on the customer's own phone: a single-use link sent to the contact's e-mail (the desk never sees it,
so nobody at the desk can sign as the customer), and a one-time code sent to the same address that the signer
types before answering. Both are recorded with the answer as evidence."""
import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.domain import workflow
from portal.domain.privacy import mask_email
from portal.domain.time import as_utc, utcnow
from portal.extensions import db
from portal.models import Contact, RemoteAcceptanceLink, Ticket, User
from portal.services import ServiceError, mailer
from portal.services.events import add_event
from portal.services.intake import customer_locale
from portal.services.tokens import new_token, token_hash
from portal.services.transitions import apply_action

CODE_TTL = timedelta(minutes=15)
CODE_RESEND_AFTER = timedelta(seconds=60)
MAX_CODES = 5


def recipient(ticket: Ticket) -> str | None:
    """The contact's e-mail: the contact picked at intake, else the customer's contact of the name told then."""
    contact = ticket.contact
    if contact is None or not contact.email:
        contact = db.session.scalar(db.select(Contact).where(
            Contact.customer_id == ticket.customer_id, Contact.name == ticket.contact_name,
            Contact.email.is_not(None)).order_by(Contact.id).limit(1))
    email = (contact.email or "").strip() if contact is not None else ""
    return email if "@" in email else None


def create_link(ticket: Ticket, agent: User) -> RemoteAcceptanceLink:
    """A new link for `ticket`, e-mailed to the contact (earlier unused ones stop working)."""
    apply_action(ticket, "send_signing_link", agent,
                 refused=_l("A signing link can only be sent once the work is handed over for acceptance."))
    if ticket.assignee_id is None:
        raise ServiceError(_l("Assign an engineer first."), status=409)
    email = recipient(ticket)
    if email is None:
        raise ServiceError(_l("The contact has no e-mail address on file: add one to the customer's contact, "
                              "then send the link."), status=409)
    now = utcnow()
    for old in db.session.scalars(db.select(RemoteAcceptanceLink).where(
            RemoteAcceptanceLink.ticket_id == ticket.id, RemoteAcceptanceLink.used_at.is_(None),
            RemoteAcceptanceLink.revoked_at.is_(None))):
        old.revoked_at = now
    token, digest = new_token()
    link = RemoteAcceptanceLink(ticket_id=ticket.id, created_by_id=agent.id, token_sha256=digest,
                                expires_at=now + timedelta(hours=current_app.config["REMOTE_ACCEPTANCE_HOURS"]),
                                sent_to=mask_email(email))
    db.session.add(link)
    add_event(ticket, agent, "remote_link", data={"expires_at": link.expires_at.isoformat(), "sent_to": link.sent_to})
    db.session.flush()
    url = current_app.config["PUBLIC_BASE_URL"] + url_for("sign.open_link", token=token)
    with force_locale(customer_locale(ticket.customer_id)):
        body = _("The work on your service request %(number)s is done. Please read what was done and confirm it "
                 "with your signature here (the link works once, until %(until)s UTC):\n\n%(link)s\n\nBefore you "
                 "sign we send a one-time code to this address.", number=ticket.number, link=url,
                 until=link.expires_at.strftime("%Y-%m-%d %H:%M"))
    mailer.queue_mail("signing_link", email, body)
    return link


def _usable(link: RemoteAcceptanceLink | None) -> tuple[RemoteAcceptanceLink, Ticket]:
    if link is None:
        raise ServiceError(_l("This signing link is not valid. Ask us for a new one."), status=404)
    if link.used_at is not None:
        raise ServiceError(_l("This signing link has already been used."), status=410)
    if link.revoked_at is not None:
        raise ServiceError(_l("This signing link was replaced by a newer one. Use the latest link we sent."),
                           status=410)
    if as_utc(link.expires_at) <= utcnow():
        raise ServiceError(_l("This signing link has expired. Ask us for a new one."), status=410)
    ticket = db.session.get(Ticket, link.ticket_id)
    if not workflow.flags(ticket.status).awaiting_acceptance:
        raise ServiceError(_l("This service is no longer waiting for your signature."), status=410)
    return link, ticket


def open_by_token(token: str) -> tuple[RemoteAcceptanceLink, Ticket]:
    """The link of a token from the e-mail, or ServiceError saying why it no longer works."""
    return _usable(db.session.scalar(db.select(RemoteAcceptanceLink).where(
        RemoteAcceptanceLink.token_sha256 == token_hash(token or ""))))


def open_by_id(link_id) -> tuple[RemoteAcceptanceLink, Ticket]:
    """The link the signer opened before (its id is kept in their session, so the token leaves the URL)."""
    return _usable(db.session.get(RemoteAcceptanceLink, link_id) if isinstance(link_id, int) else None)


def _digest(link: RemoteAcceptanceLink, code: str) -> str:
    return hmac.new(link.token_sha256.encode(), code.encode(), hashlib.sha256).hexdigest()


def send_code(link: RemoteAcceptanceLink, ticket: Ticket) -> None:
    """A new 6-digit code to the contact's e-mail, valid for CODE_TTL; at most MAX_CODES, one a minute."""
    now = utcnow()
    if link.code_sent_at is not None and now - as_utc(link.code_sent_at) < CODE_RESEND_AFTER:
        raise ServiceError(_l("We sent a code less than a minute ago: check your e-mail, or wait a moment."),
                           status=429)
    if link.codes_sent >= MAX_CODES:
        raise ServiceError(_l("Too many codes for this link. Ask us for a new link."), status=429)
    email = recipient(ticket)
    if email is None:
        raise ServiceError(_l("We have no e-mail address to send the code to. Please call us."), status=409)
    code = f"{secrets.randbelow(10 ** 6):06d}"
    link.code_sha256, link.code_expires_at = _digest(link, code), now + CODE_TTL
    link.code_sent_at, link.codes_sent, link.code_verified_at = now, link.codes_sent + 1, None
    with force_locale(customer_locale(ticket.customer_id)):
        body = _("Your code to sign the service confirmation of %(number)s: %(code)s\n\nIt works for 15 minutes. If "
                 "you did not ask for it, ignore this e-mail.", number=ticket.number, code=code)
    mailer.queue_mail("signing_code", email, body)


def confirm_code(link: RemoteAcceptanceLink, code: str | None) -> None:
    """The signer typed the code we sent: they read the contact's mailbox. Tries are limited per link by the
    rate limit of the signing page."""
    if link.code_sha256 is None:
        raise ServiceError(_l("Ask for a code first: we send it to your e-mail."), field="code")
    if as_utc(link.code_expires_at) <= utcnow():
        raise ServiceError(_l("This code has expired. Ask for a new one."), field="code")
    if not hmac.compare_digest(_digest(link, (code or "").strip()), link.code_sha256):
        raise ServiceError(_l("This code is not right. Check the latest e-mail we sent."), field="code")
    link.code_verified_at = utcnow()
