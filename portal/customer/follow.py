"""Following a request: the SLA promise in plain words, the customer's timeline, the next visit, the receipt."""
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import abort, current_app
from flask_babel import format_datetime, get_timezone
from flask_babel import gettext as _
from flask_login import current_user

from portal import labels
from portal.customer.blueprint import bp
from portal.domain import workflow
from portal.domain.roles import CUSTOMERS
from portal.domain.time import as_utc, utcnow
from portal.extensions import db
from portal.models import Bill, Document, FollowUpTask, Quote, Survey, Ticket, TicketEvent, Visit
from portal.services import reports, selfservice
from portal.services.presence import checks_statement, which_hold
from portal.web.access import load_ticket, roles_required
from portal.web.templating import format_iso_moment

# Only these kinds show their text to the customer: what was written for them (an update, their own words).
CUSTOMER_BODIES = frozenset({"customer_updated", "rejected", "accepted", "resolved_remotely", "not_resolved",
                             "visit_time_requested"})
# Events about a visit, told with the visit's time.
VISIT_EVENTS = frozenset({"visit_scheduled", "visit_moved", "visit_cancelled"})


@dataclass(frozen=True)
class Promise:
    kind: str  # contact | update | resolve | paused | confirm | late
    text: str
    due_at: datetime | None = None



def when(moment: datetime, now: datetime) -> str:
    """A due time as people say it, in the customer's time zone: 14:00, tomorrow 09:00, Tue 09:00, a date."""
    zone = get_timezone()
    local, today = as_utc(moment).astimezone(zone), as_utc(now).astimezone(zone).date()
    days = (local.date() - today).days
    clock = local.strftime("%H:%M")
    if days == 0:
        return clock
    if days == 1:
        return _("tomorrow %(time)s", time=clock)
    if 1 < days < 7:
        return format_datetime(local, "EEE HH:mm")
    return local.strftime("%Y-%m-%d %H:%M")


def _promise(status: str, response_due, update_due, resolution_due, now: datetime) -> Promise | None:
    if status in workflow.FINAL:
        return None
    if status == workflow.RESOLVED:
        return Promise("confirm", _("Please check the repair and confirm it"))
    if status == workflow.WAITING_PARTS:
        return Promise("paused", _("Paused while we wait for parts"))
    if status == workflow.WAITING_CUSTOMER:
        return Promise("paused", _("Paused while we wait for your reply"))
    for kind, due in (("contact", response_due), ("update", update_due), ("resolve", resolution_due)):
        if due is None:
            continue
        if as_utc(due) <= now:
            return Promise("late", _("We are running late: we will contact you as soon as we can"), due)
        text = {"contact": _("We will contact you by %(when)s", when=when(due, now)),
                "update": _("Next update by %(when)s", when=when(due, now)),
                "resolve": _("We aim to have it fixed by %(when)s", when=when(due, now))}[kind]
        return Promise(kind, text, due)
    return None


def listed_promise(ticket: Ticket, now: datetime) -> Promise | None:
    """The next promise, from the due times the clock stored on its last reading: they move only when the
    ticket, its events or the policies change, and each of those reads the clock again (sla.refresh). No
    query, so the list uses it per row and the ticket page without reading the events twice."""
    return _promise(ticket.status, ticket.response_due_at, ticket.update_due_at, ticket.resolution_due_at,
                    as_utc(now))


def customer_events(ticket: Ticket) -> list[dict]:
    """The customer-visible events in plain words; internal notes never leave the database for this page."""
    events = db.session.scalars(_CUSTOMER_EVENTS, {"ticket_id": ticket.id}).all()
    rows = []
    for event in events:
        what = str(labels.CUSTOMER_EVENT_BY_MODE.get((ticket.mode, event.kind)) or labels.CUSTOMER_EVENT.get(event.kind)
                   or labels.EVENT.get(event.kind, event.kind))
        if event.kind == "mode_set" and event.data:
            what = str(labels.CUSTOMER_EVENT_BY_MODE.get((event.data.get("mode"), "mode_set"), what))
        elif event.kind == "assigned" and event.data and event.data.get("name") and ticket.mode != "depot":
            what = _("%(name)s is your engineer", name=event.data["name"])
        if event.kind in VISIT_EVENTS and event.data and event.data.get("at"):
            what = _("%(what)s: %(at)s", what=what, at=format_iso_moment(event.data["at"]))
        if event.kind == "merged" and event.data and event.data.get("number"):
            what = _("A duplicate: it carries on as %(number)s", number=event.data["number"])
        rows.append({"at": event.created_at, "kind": event.kind, "what": what,
                     "body": event.body if event.kind in CUSTOMER_BODIES else None})
    return rows


def next_visit(ticket: Ticket) -> Visit | None:
    return db.session.scalar(db.select(Visit).where(*_upcoming(ticket.id)).order_by(Visit.scheduled_at).limit(1))


def _upcoming(ticket_id: int):
    return (Visit.ticket_id == ticket_id, Visit.arrived_at.is_(None), Visit.scheduled_at.is_not(None))


def _held_statement():
    ticket_id = sa.bindparam("ticket_id")
    checks = {
        "visit": sa.exists().where(*_upcoming(ticket_id)),
        "documents": sa.exists().where(Document.ticket_id == ticket_id),
        "questions": sa.exists().where(TicketEvent.ticket_id == ticket_id, TicketEvent.kind == selfservice.QUESTION),
        "quotes": sa.exists().where(Quote.ticket_id == ticket_id),
        "tasks": sa.exists().where(FollowUpTask.ticket_id == ticket_id, FollowUpTask.status == "open"),
        "survey": sa.exists().where(Survey.ticket_id == ticket_id),
        "bill": sa.exists().where(Bill.ticket_id == ticket_id)}
    return checks_statement(checks)


# Built once, the ticket's id bound (building a statement anew cost about as much as running it).
_HELD = _held_statement()
_CUSTOMER_EVENTS = (db.select(TicketEvent).where(TicketEvent.ticket_id == sa.bindparam("ticket_id"),
                                                 TicketEvent.customer_visible.is_(True))
                    .order_by(TicketEvent.created_at, TicketEvent.id))


def held(ticket: Ticket) -> frozenset[str]:
    """Which of the ticket's records the page draws exist, in one statement: most tickets have no quote, task,
    survey or document, and those are then not read at all."""
    return which_hold(_HELD, {"ticket_id": ticket.id})


def detail_context(ticket: Ticket, present: frozenset[str] | None = None) -> dict:
    """`present`: what held() found (None: read everything)."""
    now = utcnow()
    visit = next_visit(ticket) if present is None or "visit" in present else None
    documents = db.session.scalars(db.select(Document).where(Document.ticket_id == ticket.id).order_by(
        Document.id)).all() if present is None or "documents" in present else []
    return {"ticket": ticket, "events": customer_events(ticket), "promise": listed_promise(ticket, now),
            "visit_when": when(visit.scheduled_at, now) if visit is not None else None, "documents": documents,
            "has_bill": "bill" in (present if present is not None else held(ticket))}


@bp.get("/tickets/<int:ticket_id>/packing-note.pdf")
@roles_required(*CUSTOMERS)
def packing_note(ticket_id: int):
    """The packing note of their own depot ticket, with the service points' addresses."""
    ticket = load_ticket(ticket_id)
    if ticket.mode != "depot":
        abort(404)
    own = ticket.created_by_id == current_user.id or (
        ticket.contact_id is not None and ticket.contact_id == current_user.contact_id)
    response = current_app.response_class(reports.packing_note(ticket, mask_contact=not own),
                                          mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{ticket.number}-packing-note.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/tickets/<int:ticket_id>/receipt.pdf")
@roles_required(*CUSTOMERS)
def intake_receipt(ticket_id: int):
    """The intake receipt of their own ticket; a colleague's phone on it is masked like everywhere else."""
    ticket = load_ticket(ticket_id)
    own = ticket.created_by_id == current_user.id or (
        ticket.contact_id is not None and ticket.contact_id == current_user.contact_id)
    response = current_app.response_class(reports.intake_receipt(ticket, mask_contact=not own),
                                          mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{ticket.number}-intake-receipt.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
