"""The in-app inbox and the messages ticket events send: each event of EVENTS writes an inbox item for the
customer's accounts or the staff concerned, in each reader's language, and for the customer events in CHANNEL
a message on the channel the customer came through (portal.tasks delivers it). add_event tells on_event; the
messages are written when that transaction commits, with everything else it wrote."""
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.domain import intake as intake_rules
from portal.domain import message_prefs as prefs
from portal.domain import message_texts
from portal.domain.roles import Role
from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import ContactPreference, InboxItem, MessagePreference, MessageText, Notification, Ticket, User
from portal.services import ServiceError, mailer, resolution_links
from portal.services.localtime import local

# Event kind -> (message kind, who reads it).
CUSTOMER = {"created": "ticket_registered", "assigned": "engineer_assigned", "visit_scheduled": "visit_booked",
            "on_the_way": "engineer_on_the_way", "customer_updated": "progress_update", "resolved": "ticket_resolved",
            "quote_sent": "quote_waiting", "remote_link": "signing_link_sent", "accepted": "ticket_closed",
            "update_due": "progress_latest", "survey_invited": "survey_invitation",
            "survey_reminded": "survey_reminder", "resolved_remotely": "resolved_remotely", "merged": "ticket_merged",
            "resolution_confirmed": "ticket_closed", "auto_closed": "ticket_auto_closed",
            # The depot path (issue 14): the unit received at the workshop, sent back, waiting for pick-up.
            "unit_received": "parcel_received", "parcel_sent": "parcel_sent", "pickup_ready": "pickup_ready",
            # A visit moved or cancelled (issue 13): the calendar file is replaced or cancelled.
            "visit_moved": "visit_moved", "visit_cancelled": "visit_cancelled"}
STAFF = {"assigned": "new_assignment", "visit_scheduled": "visit_booked_staff", "remote_link": "signing_link_staff",
         "sla_at_risk": "sla_at_risk", "sla_breached": "sla_breached", "update_due": "progress_due",
         "update_overdue": "progress_overdue", "callback_due": "callback_due",
         "customer_reopened": "reopened_by_customer", "not_resolved": "reopened_by_customer",
         "visit_moved": "visit_moved_staff", "visit_cancelled": "visit_cancelled_staff"}
# Staff messages that reach the supervisors too, or only when nobody is assigned.
TO_DESK = frozenset({"sla_breached", "update_overdue", "callback_due"})
TO_DESK_WHEN_UNASSIGNED = frozenset({"sla_at_risk", "update_due", "customer_reopened", "not_resolved"})
# Customer messages that also go out on the customer's channel (the registration message is queued by intake with
# the number, and a signing link is e-mailed on its own).
CHANNEL = frozenset({"engineer_assigned", "visit_booked", "engineer_on_the_way", "progress_update",
                     "ticket_resolved", "progress_latest", "survey_invitation", "survey_reminder", "quote_waiting",
                     "ticket_closed", "ticket_auto_closed", "resolved_remotely", "ticket_merged", "parcel_received",
                     "parcel_sent", "pickup_ready", "visit_moved", "visit_cancelled"})
# Messages on the customer's channel that carry a signed link to answer without signing in (a resolution without a
# visit: confirm it or say it is not solved); the inbox item links to the ticket on the portal instead.
ANSWER_LINK = frozenset({"resolved_remotely"})
# Messages that carry the visit's calendar file by e-mail, whatever channel the customer came through.
CALENDAR = frozenset({"visit_booked", "visit_moved", "visit_cancelled"})
LOCALES = ("zh_CN", "en")
PENDING_KEY = "portal.events_to_tell"
TEXTS_KEY = "portal.message_texts"


def _when(value) -> str:
    try:
        return local(datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return ""


def values(kind: str, ticket: Ticket, data: dict | None) -> dict:
    """The placeholders of an admin's text (portal.domain.message_texts)."""
    data = data or {}
    assignee = _assignee(ticket)
    return {"number": ticket.number, "engineer": data.get("name") or (assignee.name if assignee is not None else ""),
            "at": _when(data.get("at") or data.get("due")), "eta": _when(data.get("eta")),
            "text": data.get("text") or "", "link": data.get("link") or "", "priority": ticket.priority or "—"}


def _written(kind: str) -> str | None:
    """The admin's text for `kind` in the current language, if any (read once per session)."""
    cache = db.session.info.get(TEXTS_KEY)
    if cache is None:
        cache = {(row.kind, row.locale): row.body for row in db.session.scalars(db.select(MessageText))}
        db.session.info[TEXTS_KEY] = cache
    return cache.get((kind, "zh_CN" if str(get_locale() or "zh").startswith("zh") else "en"))


def text(kind: str, ticket: Ticket, data: dict | None, builtin: bool = False) -> str:
    """The message in the current language: the admin's text when there is one, else the built-in one."""
    if not builtin and (written := _written(kind)) is not None:
        return message_texts.render(written, values(kind, ticket, data))
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
        "engineer_on_the_way": lambda: (
            _("Engineer %(engineer)s is on the way to you for %(number)s, expected at %(at)s.", engineer=engineer,
              number=number, at=_when(data.get("eta"))) if data.get("eta") else
            _("Engineer %(engineer)s is on the way to you for %(number)s.", engineer=engineer, number=number)),
        "progress_update": lambda: _("Progress on %(number)s: %(text)s", number=number, text=data.get("text") or ""),
        "progress_latest": lambda: _("We are still working on %(number)s. Latest update: %(text)s", number=number,
                                     text=data.get("text") or ""),
        "ticket_resolved": lambda: _("The work on %(number)s is done. Please check it and confirm.", number=number),
        "survey_invitation": lambda: _("Are you satisfied with the service for %(number)s? Satisfied / basically "
                                       "satisfied / not satisfied: tell us here: %(link)s", number=number,
                                       link=data.get("link") or ""),
        "survey_reminder": lambda: _("A reminder: how satisfied are you with the service for %(number)s? Tell us "
                                     "here: %(link)s", number=number, link=data.get("link") or ""),
        "quote_waiting": lambda: _("A quote for %(number)s waits for your decision in the portal.", number=number),
        "signing_link_sent": lambda: _("A link to sign the service confirmation of %(number)s was sent to your "
                                       "e-mail.", number=number),
        "resolved_remotely": lambda: (
            _("Your service request %(number)s is resolved without a visit. Please check and confirm here, no "
              "sign-in needed: %(link)s", number=number, link=data.get("link") or "") if data.get("answer_link") else
            _("Your service request %(number)s is resolved without a visit. Please check and confirm in the portal: "
              "%(link)s", number=number, link=data.get("link") or "")),
        "ticket_auto_closed": lambda: _("Your service request %(number)s was closed after %(days)s days without an "
                                        "answer. Not solved? You can reopen it in the portal within %(reopen)s days: "
                                        "%(link)s", number=number, days=data.get("days", ""),
                                        reopen=data.get("reopen_days", ""), link=data.get("link") or ""),
        "reopened_by_customer": lambda: _("%(number)s: the customer says it is not solved: %(text)s", number=number,
                                          text=data.get("text") or ""),
        "ticket_merged": lambda: _("Your service request %(number)s was a duplicate: it carries on as %(original)s.",
                                   number=number, original=data.get("number", "")),
        "ticket_closed": lambda: _("Your service request %(number)s is closed. Thank you.", number=number),
        "parcel_received": lambda: _("Your unit for %(number)s has arrived at our workshop.", number=number),
        "parcel_sent": lambda: _("Your unit for %(number)s is on its way back: %(carrier)s %(tracking)s.",
                                 number=number, carrier=data.get("carrier") or "", tracking=data.get("number") or ""),
        "pickup_ready": lambda: _("Your unit for %(number)s is ready for pick-up at %(point)s (%(address)s). Your "
                                  "pick-up code: %(code)s.", number=number, point=data.get("point") or "",
                                  address=data.get("address") or "", code=data.get("code") or ""),
        "new_assignment": lambda: _("New job for you: %(number)s (%(priority)s).", number=number,
                                    priority=ticket.priority or "—"),
        "visit_booked_staff": lambda: _("Visit booked for %(number)s: %(at)s.", number=number,
                                        at=_when(data.get("at"))),
        "visit_moved": lambda: _("Your visit for %(number)s is moved to %(at)s.", number=number,
                                 at=_when(data.get("at"))),
        "visit_cancelled": lambda: _("The visit for %(number)s on %(at)s is cancelled. We will contact you about "
                                     "the next step.", number=number, at=_when(data.get("at"))),
        "visit_moved_staff": lambda: _("Visit for %(number)s moved to %(at)s.", number=number,
                                       at=_when(data.get("at"))),
        "visit_cancelled_staff": lambda: _("Visit for %(number)s on %(at)s cancelled.", number=number,
                                           at=_when(data.get("at"))),
        "signing_link_staff": lambda: _("%(number)s: the customer was sent a link to sign the confirmation.",
                                        number=number),
        "progress_due": lambda: _("%(number)s: the customer is due a progress update. Write one now.",
                                  number=number),
        "progress_overdue": lambda: _("%(number)s: the customer's progress update is overdue; the assignee was "
                                      "reminded.", number=number),
        "callback_due": lambda: _("%(number)s: the customer has not answered the survey. Call them back by %(at)s.",
                                  number=number, at=_when(data.get("due"))),
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
    if kind in TO_DESK or (kind in TO_DESK_WHEN_UNASSIGNED and not people):
        people += db.session.scalars(db.select(User).where(User.role == Role.SUPERVISOR,
                                                           User.active.is_(True))).all()
    return list({user.id: user for user in people}.values())


def preference(customers: list[User], contact_id: int | None = None) -> prefs.Preference:
    """The recipient's choices: the ticket contact's own when they made any (a contact without an account, set by
    the desk or through the link in messages), else those of the customer's first account that made any, else
    the portal's defaults."""
    default_quiet = prefs.parse_hours(current_app.config.get("QUIET_HOURS"))
    ids = [user.id for user in customers]
    row = db.session.get(ContactPreference, contact_id) if contact_id is not None else None
    if row is None and ids:
        row = db.session.scalar(db.select(MessagePreference).where(MessagePreference.user_id.in_(ids))
                                .order_by(MessagePreference.user_id).limit(1))
    if row is None:
        return prefs.Preference(quiet=default_quiet)
    quiet = default_quiet if row.quiet_hours is None else prefs.parse_hours(row.quiet_hours)
    return prefs.Preference(channels=dict(row.channels or {}), opted_out=row.opted_out, quiet=quiet)


def _channel_message(ticket: Ticket, kind: str, data: dict | None, customers: list[User]) -> None:
    email = ticket.contact.email if ticket.contact is not None else None
    channel, recipient = intake_rules.notice_route(ticket.channel, ticket.contact_phone, email)
    if channel == "portal":
        return  # the inbox item is the message
    choice = preference(customers, ticket.contact_id)
    chosen = choice.channel_for(kind, channel)
    if chosen is None:
        return  # the customer wants it in the inbox alone
    if chosen != channel and (email if chosen == "email" else ticket.contact_phone):
        channel, recipient = chosen, (email if chosen == "email" else ticket.contact_phone)
    if kind in ANSWER_LINK:
        data = {**data, "link": resolution_links.issue(ticket, channel), "answer_link": True}
    held = prefs.held_until(local(utcnow()), choice.quiet, kind=kind, priority=ticket.priority,
                            safety=ticket.safety_locked)
    held = held.astimezone(UTC) if held is not None else None
    locale = next((_locale(user) for user in customers if user.locale), "zh_CN")
    with force_locale(locale):
        body = text(kind, ticket, data)
    variables = _variables(ticket, kind, data)
    mailer.queue_notice(Notification(ticket=ticket, kind=kind, channel=channel, recipient=recipient, body=body,
                                     data=variables, status="queued", created_at=utcnow(), held_until=held))
    if kind in CALENDAR and channel != "email" and email:
        # The calendar file goes by e-mail whatever channel the customer came through.
        mailer.queue_notice(Notification(ticket=ticket, kind=kind, channel="email", recipient=email, body=body,
                                         data=variables, status="queued", created_at=utcnow(), held_until=held))


def _variables(ticket: Ticket, kind: str, data: dict) -> dict:
    """The provider template's variables (SMS, WeChat), and what the e-mail's calendar file needs."""
    variables = {"number": ticket.number}
    if kind in ("engineer_assigned", "engineer_on_the_way") or kind in CALENDAR:
        assignee = _assignee(ticket)
        variables["engineer"] = data.get("name") or (assignee.name if assignee is not None else "")
    if kind in CALENDAR:
        variables.update(at=data.get("at"), visit=data.get("visit"), address=ticket.visit_address or "",
                         sequence=data.get("sequence") or 0)
    if kind == "engineer_on_the_way" and data.get("eta"):
        variables["eta"] = _when(data["eta"])
    if kind in ("progress_update", "progress_latest"):
        variables["text"] = data.get("text") or ""
    if kind in ("survey_invitation", "survey_reminder", "resolved_remotely", "ticket_auto_closed"):
        variables["link"] = data.get("link") or ""
    return variables


def on_event(ticket: Ticket, kind: str, data: dict | None, body: str | None = None) -> None:
    """Remember the event; its messages are written when the transaction commits (below), once the use case
    has made all its changes: composing them here would flush the ticket halfway (a second version bump)."""
    if kind in CUSTOMER or kind in STAFF:
        data = dict(data or {})
        if body and kind in ("customer_updated", "customer_reopened", "not_resolved"):
            data["text"] = body
        db.session.info.setdefault(PENDING_KEY, []).append((ticket, kind, data))


def _compose(ticket: Ticket, kind: str, data: dict) -> None:
    if kind in CUSTOMER and not (kind == "update_due" and not data.get("text")):
        # (a progress reminder passes the latest update on to the customer only when there is one)
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
    session.info.pop(TEXTS_KEY, None)


# --- the reader's side ---------------------------------------------------------------------------------------

# Built once: every open page polls the bell.
_UNREAD = (sa.select(sa.func.count()).select_from(InboxItem)
           .where(InboxItem.user_id == sa.bindparam("user_id"), InboxItem.read_at.is_(None)))


def unread_count(user: User) -> int:
    """One indexed count: the bell."""
    return db.session.scalar(_UNREAD, {"user_id": user.id}) or 0


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
