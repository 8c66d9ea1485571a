"""The ticket's timeline: every change is written as an event (who, when, what, customer-visible or not) in
the same transaction. Writing an event tells the people it concerns (portal.services.inbox) and changes nothing
else; the use case that moves an SLA clock says so
by calling portal.services.sla.refresh()."""
from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import Ticket, TicketEvent, User
from portal.services import inbox


def add_event(ticket: Ticket, actor: User | None, kind: str, body: str | None = None,
              data: dict | None = None, customer_visible: bool = False, at=None) -> TicketEvent:
    event = TicketEvent(ticket=ticket, actor=actor, kind=kind, body=body, data=data,
                        customer_visible=customer_visible, created_at=at or utcnow())
    db.session.add(event)
    inbox.on_event(ticket, kind, data, body)
    return event
