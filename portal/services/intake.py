"""Intake use cases: what a serial number tells the agent, registering with the completeness score, telling
the customer the number, and adding a repeated report to the ticket already open for the unit."""
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from portal.domain import intake as rules
from portal.domain import workflow
from portal.domain.roles import Role
from portal.domain.time import as_utc, utcnow
from portal.domain.warranty import WarrantyStatus, repeat_fault_since
from portal.extensions import db
from portal.models import Asset, Notification, Ticket, User
from portal.services import coverage, entitlement, mailer
from portal.services import tickets as ticket_service
from portal.services.events import add_event
from portal.services.localtime import local_today
from portal.services.transitions import apply_action

HISTORY_LIMIT = 10


@dataclass
class SerialFacts:
    """What the desk may see about a typed serial number for the chosen customer."""

    serial: str
    asset: Asset | None = None
    other_customer: bool = False  # registered to someone else: nothing more is shown
    warranty: WarrantyStatus | None = None
    history: list[Ticket] = field(default_factory=list)
    repeat_since: datetime | None = None
    repeat_ticket: Ticket | None = None
    open_ticket: Ticket | None = None
    entitlement: object | None = None  # portal.domain.entitlement.Entitlement
    entitlement_text: list[str] = field(default_factory=list)
    entitlement_options: str = ""


def customer_assets(customer_id: int | None) -> list[Asset]:
    """The customer's registered units, by serial."""
    if not customer_id:
        return []
    return list(db.session.scalars(db.select(Asset).where(Asset.customer_id == customer_id)
                                   .options(joinedload(Asset.product_model)).order_by(Asset.serial)))


def normalize_serial(raw: str | None) -> str:
    return (raw or "").strip().upper()[:80]


def serial_facts(raw_serial: str | None, customer_id: int | None, today: date,
                 now: datetime | None = None) -> SerialFacts | None:
    serial = normalize_serial(raw_serial)
    if not serial:
        return None
    facts = SerialFacts(serial=serial)
    facts.asset = db.session.scalar(db.select(Asset).where(Asset.serial == serial))
    if facts.asset is not None and facts.asset.customer_id != customer_id:
        return SerialFacts(serial=serial, other_customer=True)
    tickets = db.session.scalars(
        db.select(Ticket).where(Ticket.serial == serial, Ticket.customer_id == customer_id)
        .order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(HISTORY_LIMIT)).all()
    facts.history = list(tickets)
    facts.open_ticket = next((t for t in tickets if t.status in workflow.OPEN_STATUSES), None)
    closed = [t for t in tickets if t.status == workflow.CLOSED and t.closed_at]
    facts.repeat_since = repeat_fault_since([t.closed_at for t in closed], now or utcnow())
    if facts.repeat_since is not None:
        facts.repeat_ticket = next(t for t in closed if _same_moment(t.closed_at, facts.repeat_since))
    if facts.asset is not None:
        facts.warranty = coverage.asset_cover(facts.asset, today, coverage.replaced_parts(serial, customer_id))
        facts.entitlement = entitlement.of_asset(facts.asset, today)
        facts.entitlement_text = entitlement.explain(facts.entitlement)
        facts.entitlement_options = entitlement.options_text(facts.entitlement)
    return facts


def _same_moment(a: datetime, b: datetime) -> bool:
    return as_utc(a) == as_utc(b)


def register(*, user: User, customer, contact, form_data: dict, photos: list) -> Ticket:
    """Register the request with its completeness and repeat-fault flag, and queue the number's notice."""
    serial = normalize_serial(form_data.get("serial"))
    facts = serial_facts(serial, customer.id, local_today()) if serial else None
    uploads = [p for p in photos if p and p.filename]
    score = rules.completeness(completeness_values(form_data, len(uploads)))
    extra = {"completeness": score.score, "missing": list(score.missing)}
    if facts is not None and facts.repeat_ticket is not None:
        extra["repeat_fault"] = {"ticket": facts.repeat_ticket.number,
                                 "closed_at": facts.repeat_since.isoformat()}
    if facts is not None and facts.warranty is not None:
        extra["warranty"] = facts.warranty.basis
    ticket = ticket_service.register_request(user=user, customer=customer, contact=contact, photos=uploads,
                                             event_data=extra, **form_data)
    queue_registration_notice(ticket, contact)
    return ticket


def completeness_values(data: dict, attachments: int) -> dict:
    return {"symptom": data.get("description"), "product_model": data.get("product_model"),
            "serial": data.get("serial"), "purchase_date": data.get("purchase_date"),
            "frequency": data.get("frequency"), "impact": data.get("impact"), "tried": data.get("tried"),
            "attachment": attachments}


def customer_locale(customer_id: int) -> str:
    """The language the customer set in the portal, else Chinese."""
    locale = db.session.scalar(db.select(User.locale).where(
        User.customer_id == customer_id, User.role == Role.CUSTOMER, User.locale.is_not(None)).limit(1))
    return locale if locale in ("zh_CN", "en") else "zh_CN"


def queue_registration_notice(ticket: Ticket, contact) -> Notification:
    """Queue the message telling the customer their number, on the channel they came through."""
    channel, recipient = rules.notice_route(ticket.channel, ticket.contact_phone,
                                            contact.email if contact is not None else None)
    with force_locale(customer_locale(ticket.customer_id)):
        body = _("Your service request has been registered. Your number is %(number)s; please quote it "
                 "whenever you contact us.", number=ticket.number)
    notice = Notification(ticket_id=ticket.id, kind="ticket_registered", channel=channel, recipient=recipient,
                          body=body, data={"number": ticket.number}, status="queued", created_at=utcnow())
    return mailer.queue_notice(notice)


def add_report(ticket: Ticket, user: User, *, description: str, channel: str | None, photos: list) -> None:
    """The customer reports the same unit again: a note with the photos on the open ticket, no new ticket."""
    apply_action(ticket, "add_report", user,
                 refused=_l("This ticket is already closed: register a new request instead."))
    uploads = [p for p in photos if p and p.filename]
    add_event(ticket, user, "intake_note", body=description,
                             data={"channel": channel, "photos": len(uploads)})
    db.session.flush()
    ticket_service.attach_photos(ticket, uploads, user, "intake")
