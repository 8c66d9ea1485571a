"""The in-app inbox and the messages ticket events send: each event of EVENTS writes an inbox item for the
customer's accounts or the staff concerned, in each reader's language, and for the customer events in CHANNEL
a message on the channel the customer came through (portal.tasks delivers it). add_event tells on_event; the
messages are written when that transaction commits, with everything else it wrote."""
from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.domain import intake as intake_rules
from portal.domain.roles import Role
from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import InboxItem, Notification, Ticket, User
from portal.services import ServiceError, mailer
from portal.services.localtime import local

# Event kind -> (message kind, who reads it).
CUSTOMER = {"created": "ticket_registered", "assigned": "engineer_assigned", "visit_scheduled": "visit_booked",
            "quote_sent": "quote_waiting", "remote_link": "signing_link_sent", "accepted": "ticket_closed",
            # The depot path (issue 14): the unit received at the workshop, sent back, waiting for pick-up.
            "unit_received": "parcel_received", "parcel_sent": "parcel_sent", "pickup_ready": "pickup_ready"}
STAFF = {"assigned": "new_assignment", "sla_at_risk": "sla_at_risk", "sla_breached": "sla_breached"}
# Customer messages that also go out on the customer's channel (the registration message is queued by intake with
# the number, and a signing link is e-mailed on its own).
CHANNEL = frozenset({"engineer_assigned", "visit_booked", "quote_waiting", "ticket_closed", "parcel_received",
                     "parcel_sent", "pickup_ready"})
LOCALES = ("zh_CN", "en")
PENDING_KEY = "portal.events_to_tell"


def _when(value) -> str:
    try:
        return local(datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return ""


def text(kind: str, ticket: Ticket, data: dict | None) -> str:
    """The message in the current language."""
    data = data or {}
    number = ticket.number
    assignee = _assignee(ticket)
    engineer = data.get("name") or (assignee.name if assignee is not None else "")
    texts = {
        "ticket_registered": lambda: _("Your service request %(number)s is registered.", number=number),
        "engineer_assigned": lambda: _("Engineer %(engineer)s takes care of your service request %(number)s.",
                                       engineer=engineer, number=number),
        "visit_booked": lambda: _("A visit for %(number)s is booked: %(at)s.", number=number,
                                  at=_when(data.get("at"))),
        "quote_waiting": lambda: _("A quote for %(number)s waits for your decision in the portal.", number=number),
        "signing_link_sent": lambda: _("A link to sign the service confirmation of %(number)s was sent to your "
                                       "e-mail.", number=number),
        "ticket_closed": lambda: _("Your service request %(number)s is closed. Thank you.", number=number),
        "parcel_received": lambda: _("Your unit for %(number)s has arrived at our workshop.", number=number),
        "parcel_sent": lambda: _("Your unit for %(number)s is on its way back: %(carrier)s %(tracking)s.",
                                 number=number, carrier=data.get("carrier") or "", tracking=data.get("number") or ""),
        "pickup_ready": lambda: _("Your unit for %(number)s is ready for pick-up at %(point)s (%(address)s). Your "
                                  "pick-up code: %(code)s.", number=number, point=data.get("point") or "",
                                  address=data.get("address") or "", code=data.get("code") or ""),
        "new_assignment": lambda: _("New job for you: %(number)s (%(priority)s).", number=number,
                                    priority=ticket.priority or "—"),
        "sla_at_risk": lambda: _("%(number)s: a service-level target is at risk.", number=number),
        "sla_breached": lambda: _("%(number)s: a service-level target is breached.", number=number),
    }
    return texts[kind]()


def _assignee(ticket: Ticket) -> User | None:
    # By id: a use case sets assignee_id, and the relationship is read again only after a flush.
    return db.session.get(User, ticket.assignee_id) if ticket.assignee_id else None


def _locale(user: User) -> str:
    return user.locale if user.locale in LOCALES else "zh_CN"


def _add(users, kind: str, ticket: Ticket, data: dict | None) -> None:
    for user in users:
        with force_locale(_locale(user)):
            db.session.add(InboxItem(user_id=user.id, ticket=ticket, kind=kind, text=text(kind, ticket, data)))


def _customer_accounts(ticket: Ticket) -> list[User]:
    return db.session.scalars(db.select(User).where(User.customer_id == ticket.customer_id,
                                                    User.role == Role.CUSTOMER, User.active.is_(True))).all()


def _staff(ticket: Ticket, kind: str) -> list[User]:
    assignee = _assignee(ticket)
    people = [assignee] if assignee is not None else []
    if kind == "sla_breached" or (kind == "sla_at_risk" and not people):
        people += db.session.scalars(db.select(User).where(User.role == Role.SUPERVISOR,
                                                           User.active.is_(True))).all()
    return list({user.id: user for user in people}.values())


def _channel_message(ticket: Ticket, kind: str, data: dict | None, customers: list[User]) -> None:
    channel, recipient = intake_rules.notice_route(ticket.channel, ticket.contact_phone,
                                                   ticket.contact.email if ticket.contact is not None else None)
    if channel == "portal":
        return  # the inbox item is the message
    locale = next((_locale(user) for user in customers if user.locale), "zh_CN")
    with force_locale(locale):
        body = text(kind, ticket, data)
    mailer.queue_notice(Notification(ticket=ticket, kind=kind, channel=channel, recipient=recipient, body=body,
                                     data={"number": ticket.number}, status="queued", created_at=utcnow()))


def on_event(ticket: Ticket, kind: str, data: dict | None) -> None:
    """Remember the event; its messages are written when the transaction commits (below), once the use case
    has made all its changes: composing them here would flush the ticket halfway (a second version bump)."""
    if kind in CUSTOMER or kind in STAFF:
        db.session.info.setdefault(PENDING_KEY, []).append((ticket, kind, dict(data or {})))


def _compose(ticket: Ticket, kind: str, data: dict) -> None:
    if kind in CUSTOMER:
        message = CUSTOMER[kind]
        customers = _customer_accounts(ticket) if ticket.customer_id else []
        _add(customers, message, ticket, data)
        if message in CHANNEL:
            _channel_message(ticket, message, data, customers)
    if kind in STAFF:
        _add(_staff(ticket, kind), STAFF[kind], ticket, data)


@event.listens_for(Session, "before_commit")
def _write_messages(session) -> None:
    pending = session.info.pop(PENDING_KEY, None)
    for ticket, kind, data in pending or ():
        _compose(ticket, kind, data)


@event.listens_for(Session, "after_rollback")
def _forget(session) -> None:
    session.info.pop(PENDING_KEY, None)


# --- the reader's side ---------------------------------------------------------------------------------------

def unread_count(user: User) -> int:
    """One indexed count: the bell."""
    return db.session.scalar(db.select(db.func.count()).select_from(InboxItem)
                             .where(InboxItem.user_id == user.id, InboxItem.read_at.is_(None))) or 0


def items(user: User, limit: int = 100) -> list[InboxItem]:
    return db.session.scalars(db.select(InboxItem).where(InboxItem.user_id == user.id)
                              .order_by(InboxItem.id.desc()).limit(limit)).all()


def mark_read(user: User, item_id: int | None = None) -> int:
    """One item (only the user's own), or all of them; how many were unread."""
    if item_id is not None and db.session.scalar(db.select(InboxItem.user_id).where(InboxItem.id == item_id)) \
            != user.id:
        raise ServiceError(_l("No such message."), status=404)
    query = db.update(InboxItem).where(InboxItem.user_id == user.id, InboxItem.read_at.is_(None))
    if item_id is not None:
        query = query.where(InboxItem.id == item_id)
    return db.session.execute(query.values(read_at=utcnow()).execution_options(synchronize_session=False)).rowcount
