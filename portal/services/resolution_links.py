"""The link in the message of a resolution without a visit: the customer confirms it, or says it is not solved,
on their own phone without an account. Like the remote signing link (portal.services.remote_signing): only the
token's hash is stored, the link expires (when the resolution would close by itself, RESOLUTION_CONFIRM_DAYS),
works only while the ticket waits for that answer, once, and a newer resolution replaces it. The answer itself is
portal.services.resolution's, given as the workflow's confirmer."""
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.domain import workflow
from portal.domain.time import as_utc, utcnow
from portal.extensions import db
from portal.models import ResolutionLink, Ticket, TicketEvent
from portal.services import ServiceError
from portal.services.tokens import new_token, token_hash

ENDPOINT = "resolution_link.open_link"


def issue(ticket: Ticket, channel: str | None) -> str:
    """A new link for `ticket`'s resolution, for the message on `channel`: its URL, built without a request (the
    message is composed when the transaction commits)."""
    token, digest = new_token()
    days = int(current_app.config.get("RESOLUTION_CONFIRM_DAYS", 7))
    db.session.add(ResolutionLink(ticket_id=ticket.id, token_sha256=digest, channel=channel,
                                  expires_at=utcnow() + timedelta(days=days)))
    path = current_app.url_map.bind("portal").build(ENDPOINT, {"token": token})
    return current_app.config["PUBLIC_BASE_URL"] + path


def revoke_open(ticket: Ticket) -> None:
    """A new resolution of the ticket: the links of the earlier one stop working."""
    db.session.execute(db.update(ResolutionLink).where(
        ResolutionLink.ticket_id == ticket.id, ResolutionLink.used_at.is_(None), ResolutionLink.revoked_at.is_(None))
        .values(revoked_at=utcnow()).execution_options(synchronize_session=False))


def _usable(link: ResolutionLink | None) -> tuple[ResolutionLink, Ticket]:
    if link is None:
        raise ServiceError(_l("This link is not valid. Check that you opened the whole link from our message."),
                           status=404)
    if link.used_at is not None:
        raise ServiceError(_l("This link has already been used: your answer is recorded."), status=410)
    if as_utc(link.expires_at) <= utcnow():
        raise ServiceError(_l("This link has expired. Sign in to the portal or call us if the problem is still "
                              "there."), status=410)
    ticket = db.session.get(Ticket, link.ticket_id)
    if ticket.status == workflow.CLOSED:
        raise ServiceError(_l("This request is already closed. If the problem is still there, you can reopen it "
                              "in the portal or call us."), status=410)
    if ticket.status != workflow.RESOLVED:
        raise ServiceError(_l("This request is no longer waiting for your confirmation: we are working on it."),
                           status=410)
    if link.revoked_at is not None:
        raise ServiceError(_l("This link was replaced by a newer one. Use the link of our latest message."),
                           status=410)
    return link, ticket


def open_by_token(token: str) -> tuple[ResolutionLink, Ticket]:
    """The link of a token from the message, or ServiceError saying why it no longer works."""
    return _usable(db.session.scalar(db.select(ResolutionLink).where(
        ResolutionLink.token_sha256 == token_hash(token or ""))))


def open_by_id(link_id) -> tuple[ResolutionLink, Ticket]:
    """The link opened before in this browser (its id is kept in the session, so the token leaves the URL)."""
    return _usable(db.session.get(ResolutionLink, link_id) if isinstance(link_id, int) else None)


def resolution_text(ticket: Ticket) -> str:
    """What was done, as the desk or the engineer told the customer when resolving."""
    return db.session.scalar(db.select(TicketEvent.body).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "resolved_remotely")
        .order_by(TicketEvent.id.desc()).limit(1)) or ""


def spend(link: ResolutionLink, outcome: str) -> None:
    """The answer is given: the link works no more."""
    link.used_at, link.outcome = utcnow(), outcome
