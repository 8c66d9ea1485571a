"""One change applied to many tickets, each in its own savepoint: the ones the workflow or the rules refuse
are listed with the reason, the others are changed."""
from collections.abc import Callable

from portal.extensions import db
from portal.models import Ticket
from portal.services import ServiceError


def apply_to_each(ticket_ids: list[int], change: Callable[[Ticket], None]) -> tuple[list[str], list[str], int]:
    """(numbers changed, "number: reason" refused, how many ids no longer exist)."""
    tickets = db.session.scalars(db.select(Ticket).where(Ticket.id.in_(ticket_ids)).order_by(Ticket.id)).all()
    done, refused = [], []
    for ticket in tickets:
        savepoint = db.session.begin_nested()
        try:
            change(ticket)
            db.session.flush()
        except ServiceError as error:
            savepoint.rollback()
            refused.append(f"{ticket.number}: {error.message}")
        else:
            savepoint.commit()
            done.append(ticket.number)
    return done, refused, len(ticket_ids) - len(tickets)
