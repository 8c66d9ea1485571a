"""Resolved without a visit: the one path of a consultation and of a remote fix (issue 13 §3, issue 14 §2). The
desk or the assigned engineer resolves with what was done; the customer confirms on the portal (where the inbox
item links) or through the signed link of the message on their channel (portal.services.resolution_links, without
an account: the workflow's confirmer), says it is not solved (it reopens), or does not answer and it closes by
itself after RESOLUTION_CONFIRM_DAYS with a notice; within RESOLUTION_REOPEN_DAYS of closing the customer may reopen it.
After a visit or a bench repair the customer signs instead (portal.services.acceptance)."""
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.domain import workflow
from portal.domain.roles import CONFIRMER
from portal.domain.time import as_utc, utcnow
from portal.extensions import db
from portal.models import ResolutionLink, Ticket, TicketEvent, User
from portal.services import ServiceError, resolution_links, sla
from portal.services.events import add_event
from portal.services.transitions import apply_action, check_version

RESOLVED_KINDS = ("resolved", "resolved_remotely")


def confirm_days() -> int:
    return int(current_app.config.get("RESOLUTION_CONFIRM_DAYS", 7))


def reopen_days() -> int:
    return int(current_app.config.get("RESOLUTION_REOPEN_DAYS", 14))


def ticket_link(ticket: Ticket, anchor: str) -> str:
    """The customer's ticket page at `anchor`, for a message: built without a request (the task queue)."""
    path = current_app.url_map.bind("portal").build("customer.ticket_detail", {"ticket_id": ticket.id})
    return f"{current_app.config['PUBLIC_BASE_URL']}{path}#{anchor}"


def _latest_resolution():
    """The kind of a ticket's latest resolution event, as a correlated subquery."""
    return (db.select(TicketEvent.kind).where(TicketEvent.ticket_id == Ticket.id,
                                               TicketEvent.kind.in_(RESOLVED_KINDS))
            .order_by(TicketEvent.id.desc()).limit(1).correlate(Ticket).scalar_subquery())


def resolve_without_visit(ticket: Ticket, user: User, *, summary: str, version: int | None = None) -> None:
    """What was done, told to the customer, who then confirms; the message links to the ticket on the portal."""
    check_version(ticket, version)
    summary = (summary or "").strip()
    if not summary:
        raise ServiceError(_l("Say what was done, for the customer to confirm."), field="summary")
    apply_action(ticket, "resolve_without_visit", user,
                 refused=_l("Only a ticket that nobody is working on site can be resolved without a visit."))
    ticket.resolved_at = utcnow()
    resolution_links.revoke_open(ticket)  # the links of an earlier resolution answer that one, not this one
    add_event(ticket, user, "resolved_remotely", body=summary[:2000], customer_visible=True,
              data={"days": confirm_days(), "link": ticket_link(ticket, "confirm-resolution")})
    sla.refresh(ticket)


def latest_is_without_visit(kinds) -> bool:
    """The same answer from event kinds already read, oldest first (the customer's timeline)."""
    return next((k for k in reversed(list(kinds)) if k in RESOLVED_KINDS), None) == "resolved_remotely"


def resolved_without_visit(ticket: Ticket) -> bool:
    """Whether the ticket's latest resolution was without a visit (no signed acceptance to wait for)."""
    kind = db.session.scalar(db.select(TicketEvent.kind).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind.in_(RESOLVED_KINDS))
        .order_by(TicketEvent.id.desc()).limit(1))
    return kind == "resolved_remotely"


def _customer_step(ticket: Ticket, action: str, user: User | None, link: ResolutionLink | None) -> None:
    if not resolved_without_visit(ticket):
        raise ServiceError(_l("This work was done on a visit: it is accepted with a signature."), status=409)
    apply_action(ticket, action, CONFIRMER if link is not None else user,
                 refused=_l("This service is not waiting for your confirmation."))


def _answered(ticket: Ticket, user: User | None, link: ResolutionLink | None, kind: str, outcome: str,
              body: str | None = None) -> None:
    """The answer on the timeline: by the signed-in customer, or by the customer through the link (no account:
    the event says so), which is then spent."""
    if link is not None:
        resolution_links.spend(link, outcome)
    add_event(ticket, None if link is not None else user, kind, body=body, customer_visible=True,
              data={"via": "link", "channel": link.channel} if link is not None else None)


def confirm(ticket: Ticket, user: User | None, *, link: ResolutionLink | None = None) -> None:
    """The customer confirms it is solved, signed in or through the link of the message: the ticket closes."""
    _customer_step(ticket, "confirm_resolution", user, link)
    ticket.closed_at = utcnow()
    _answered(ticket, user, link, "resolution_confirmed", "confirmed")
    sla.refresh(ticket)


def not_resolved(ticket: Ticket, user: User | None, *, reason: str, link: ResolutionLink | None = None) -> None:
    """The customer says it is not solved: the ticket reopens for the desk, with their words."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_l("Tell us what is not right."), field="reason")
    _customer_step(ticket, "not_resolved", user, link)
    ticket.reopen_count += 1
    ticket.resolved_at = None
    _answered(ticket, user, link, "not_resolved", "not_resolved", body=reason[:1000])
    sla.refresh(ticket)


def close_unanswered(now: datetime | None = None, limit: int = 500) -> int:
    """Close the resolutions without a visit the customer did not answer within RESOLUTION_CONFIRM_DAYS (from the
    moment it was resolved: exactly N days later it closes), each with a notice to the customer. Idempotent: a
    closed ticket is not found again; its auto_closed event is the record."""
    now, days = now or utcnow(), confirm_days()
    due = db.session.scalars(db.select(Ticket).where(
        Ticket.status == workflow.RESOLVED, Ticket.resolved_at <= now - timedelta(days=days),
        _latest_resolution() == "resolved_remotely").order_by(Ticket.id).limit(limit)).all()
    for ticket in due:
        apply_action(ticket, "auto_close", workflow.SYSTEM)
        ticket.closed_at = now
        add_event(ticket, None, "auto_closed", data={"days": days, "reopen_days": reopen_days(),
                                                     "link": ticket_link(ticket, "reopen")},
                  customer_visible=True, at=now)
        sla.refresh(ticket)
    return len(due)


def reopen_until(ticket: Ticket, *, open_only: bool = False, without_visit: bool | None = None) -> datetime | None:
    """Until when the customer may reopen a closed resolution without a visit (None: not reopenable, or with
    `open_only` no longer: the customer's page of an old ticket is drawn without reading its events).
    `without_visit`: resolved_without_visit() when the caller knows it already."""
    if ticket.status != workflow.CLOSED or ticket.closed_at is None:
        return None
    until = as_utc(ticket.closed_at) + timedelta(days=reopen_days())
    if open_only and until < utcnow():
        return None
    if without_visit is None:
        without_visit = until < utcnow() or resolved_without_visit(ticket)
    return until if without_visit else None


def reopen(ticket: Ticket, user: User, *, reason: str, now: datetime | None = None) -> None:
    """The customer reopens a closed resolution without a visit within RESOLUTION_REOPEN_DAYS of its closing (up
    to exactly M days after it)."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_l("Tell us what is not right."), field="reason")
    until = reopen_until(ticket)
    if until is None:
        raise ServiceError(_l("This request cannot be reopened: please ask for a new service."), status=409)
    if as_utc(now or utcnow()) > until:
        raise ServiceError(_l("A request can be reopened within %(days)d days of closing; please ask for a new "
                              "service.", days=reopen_days()), status=409)
    apply_action(ticket, "reopen", user)
    ticket.reopen_count += 1
    ticket.resolved_at = None
    ticket.closed_at = None
    add_event(ticket, user, "customer_reopened", body=reason[:1000], customer_visible=True)
    sla.refresh(ticket)
