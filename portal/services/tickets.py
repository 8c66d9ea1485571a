"""Registering service requests and moving tickets through triage, assignment and cancelling."""
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql, sqlite

from portal.domain import modes, search, workflow
from portal.domain import priority as priority_rules
from portal.domain.numbering import format_number
from portal.domain.roles import Role
from portal.domain.time import utcnow
from portal.domain.warranty import warranty_end
from portal.extensions import db
from portal.models import Asset, Attachment, Ticket, TicketCounter, User
from portal.services import ServiceError, bill_points, customers, sla
from portal.services.events import add_event
from portal.services.images import prepare_photo
from portal.services.localtime import local_today
from portal.services.routing import routed_department
from portal.services.storage import store_bytes
from portal.services.transitions import apply_action, check_version


def next_ticket_number(day: date) -> str:
    """Take the next number of `day` with one atomic upsert; concurrent saves never share a number."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = (
        dialect.insert(TicketCounter)
        .values(day=day, last=1)
        .on_conflict_do_update(index_elements=[TicketCounter.day], set_={"last": TicketCounter.last + 1})
        .returning(TicketCounter.last)
    )
    return format_number(day, db.session.execute(stmt).scalar_one())


def attach_photos(ticket: Ticket, files, user: User, purpose: str, inspection=None) -> list[Attachment]:
    attachments = []
    for upload in files:
        if not upload or not upload.filename:
            continue
        try:
            image = prepare_photo(upload.read())
        except ServiceError as refused:
            refused.field = refused.field or "photos"  # said next to the form's photo field
            raise
        key, digest = store_bytes(image.data, ".jpg")
        name = (upload.filename.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "photo")[:150] + ".jpg"
        attachment = Attachment(
            ticket=ticket, inspection_id=inspection.id if inspection else None,
            uploaded_by_id=user.id if user else None,
            purpose=purpose, filename=name, content_type=image.content_type, size=len(image.data),
            sha256=digest, storage_key=key, width=image.width, height=image.height,
        )
        db.session.add(attachment)
        attachments.append(attachment)
    return attachments


def register_request(*, user: User, customer, contact, contact_name: str, contact_phone: str,
                     product_model, serial: str | None, purchase_date: date | None, description: str,
                     channel: str, frequency=None, impact=None, tried=None, photos=(), accessories=None,
                     condition=None, service_address=None, event_data: dict | None = None) -> Ticket:
    """Intake: number the request, link or register the asset, keep the photos, log the event.

    `event_data` joins the registration event's data (the intake's completeness score, a repeat fault).
    """
    serial = (serial or "").strip().upper() or None
    asset = None
    if serial:
        asset = db.session.scalar(db.select(Asset).where(Asset.serial == serial))
        if asset is not None and asset.customer_id != customer.id:
            raise ServiceError(_l("This serial number is registered to another customer."),
                               field="serial")
        if asset is None:
            asset = Asset(customer_id=customer.id, product_model=product_model, serial=serial,
                          purchase_date=purchase_date,
                          warranty_end=warranty_end(purchase_date, product_model.warranty_months))
            db.session.add(asset)
            customers.reindex(customer)  # the new serial finds the customer at the next call
        elif asset.purchase_date and not purchase_date:
            purchase_date = asset.purchase_date
    ticket = Ticket(
        number=next_ticket_number(local_today()), channel=channel, status=workflow.NEW,
        customer_id=customer.id, contact_id=contact.id if contact else None,
        contact_name=contact_name, contact_phone=contact_phone, product_model_id=product_model.id,
        asset=asset, serial=serial, purchase_date=purchase_date, description=description,
        frequency=frequency or None, impact=impact or None, tried=tried or None,
        created_by_id=user.id if user else None, accessories=accessories or None, condition=condition or None,
        created_at=utcnow(),
        service_address=(service_address or "").strip()[:300] or None,
    )
    set_search_text(ticket, customer.name)
    db.session.add(ticket)
    # The event and the SLA clock it starts before the first flush: one INSERT, version 1.
    add_event(ticket, user, "created", data={"channel": channel, **(event_data or {})}, customer_visible=True)
    sla.refresh(ticket)
    db.session.flush()
    attach_photos(ticket, photos, user, "intake")
    return ticket


def triage(ticket: Ticket, user: User, *, category: str, priority: str, reason: str | None,
           version: int | None, mode: str | None = None, mode_reason: str | None = None) -> None:
    """Category, priority and the service mode (the suggestion when none is chosen)."""
    check_version(ticket, version)
    suggested = suggest_priority(ticket)  # before any change: its reads must not flush a half-made update
    department_id = routed_department(category)
    apply_action(ticket, "triage", user)
    if suggested.safety:
        ticket.safety_locked = True
    if ticket.safety_locked and priority != "P1":
        raise ServiceError(_l("A safety risk is P1 and cannot be lowered."), field="priority")
    override = priority != suggested.priority
    if override and not (reason or "").strip():
        raise ServiceError(_l("Give a reason for choosing %(chosen)s instead of the suggested %(suggested)s.",
                              chosen=priority, suggested=suggested.priority), field="reason")
    before = {"category": ticket.category, "priority": ticket.priority}
    ticket.category, ticket.priority, ticket.priority_reason = category, priority, reason or None
    data = {"before": before, "category": category, "priority": priority,
            "suggested": suggested.priority, "rules": list(suggested.reasons), "override": override}
    # The admin's routing rule for the category; once assigned, the ticket stays with the engineer's department.
    if department_id is not None and ticket.assignee_id is None:
        ticket.department_id = data["department"] = department_id
    add_event(ticket, user, "triaged", body=reason or None, data=data)
    # No mode chosen (a bulk triage, an older form): a mode already set stays, else the suggestion is taken.
    set_mode(ticket, user, mode or ticket.mode or modes.suggest(category, ticket.service_mode)[0], mode_reason)
    sla.refresh(ticket)


def set_mode(ticket: Ticket, user: User, mode: str, reason: str | None) -> bool:
    """Set or change the service mode; a change needs a reason, and both go into the history (the customer sees
    the mode in plain words, the desk the reason). False when nothing changed."""
    if mode not in modes.MODES:
        raise ServiceError(_l("Choose remote, on site or depot."), field="mode")
    if mode == ticket.mode:
        return False
    reason = (reason or "").strip()[:300] or None
    if modes.needs_reason(ticket.mode, mode) and reason is None:
        raise ServiceError(_l("Give a reason for changing the service mode."), field="mode_reason")
    suggested, why = modes.suggest(ticket.category, ticket.service_mode)
    data = {"before": ticket.mode, "mode": mode, "suggested": suggested, "why": why}
    ticket.mode = mode
    add_event(ticket, user, "mode_set", body=reason, data=data, customer_visible=True)
    return True


def change_mode(ticket: Ticket, user: User, *, mode: str, reason: str | None, version: int | None) -> None:
    """After triage: escalate a remote case to on site or depot (or back) in one step, nothing re-typed."""
    check_version(ticket, version)
    apply_action(ticket, "change_mode", user)
    if not set_mode(ticket, user, mode, reason):
        raise ServiceError(_l("The ticket already has this service mode."), field="mode")


def set_search_text(ticket: Ticket, customer_name: str) -> None:
    text = search.document(ticket.number, customer_name, ticket.contact_name, ticket.contact_phone, ticket.serial,
                           ticket.description)
    ticket.search_text, ticket.search_bigrams = text, " ".join(search.bigrams(text))


def suggest_priority(ticket: Ticket):
    """The rules' suggestion for this ticket, from its description and what the customer said."""
    text = " ".join(filter(None, (ticket.description, ticket.impact, ticket.frequency, ticket.tried)))
    return priority_rules.suggest(text, boost=ticket.customer.priority_boost, category=ticket.category)


def assign(ticket: Ticket, user: User, *, engineer: User, version: int | None, reason: str | None = None) -> None:
    """Assign, or reassign with a reason: the new assignee has not confirmed receipt yet."""
    check_version(ticket, version)
    if engineer.role != Role.ENGINEER or not engineer.active:
        raise ServiceError(_l("Choose an active engineer."), field="engineer_id")
    if ticket.priority in ("P1", "P2") and not engineer.is_senior:
        raise ServiceError(_l("P1 and P2 tickets must be led by a senior engineer."), field="engineer_id")
    previous = ticket.assignee_id
    reason = (reason or "").strip() or None
    if previous is not None:
        if previous == engineer.id:
            raise ServiceError(_l("This engineer is already assigned."), field="engineer_id")
        if reason is None:
            raise ServiceError(_l("Give a reason for the reassignment."), field="reason")
    apply_action(ticket, "assign", user)
    ticket.assignee_id = engineer.id
    ticket.department_id = engineer.department_id or ticket.department_id
    ticket.received_at = None
    data = {"from": previous, "to": engineer.id, "name": engineer.name}
    if previous is not None:
        data["reason"] = reason
    # Customer-visible event: the reason stays in data, which the customer's timeline never shows.
    add_event(ticket, user, "assigned", data=data, customer_visible=True)


def cancel(ticket: Ticket, user: User, *, reason: str, version: int | None) -> None:
    """The desk withdraws a ticket (duplicate, customer no longer needs service); the reason is kept."""
    check_version(ticket, version)
    if not (reason or "").strip():
        raise ServiceError(_l("Give a reason for cancelling."), field="reason")
    apply_action(ticket, "cancel", user)
    ticket.cancel_reason = reason.strip()
    bill_points.release(ticket.id, actor=user)  # points held for its bill go back
    add_event(ticket, user, "cancelled", body=ticket.cancel_reason, customer_visible=True)
    sla.refresh(ticket)
