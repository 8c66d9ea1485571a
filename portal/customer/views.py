"""Customer views: only their own company's tickets, only customer-visible events."""
from flask_login import current_user
from sqlalchemy.orm import joinedload

from portal.access import load_ticket, roles_required
from portal.customer import bp
from portal.extensions import db
from portal.models import Document, Ticket, TicketEvent
from portal.web import render


@bp.get("/tickets")
@roles_required("customer")
def tickets():
    rows = db.session.scalars(
        db.select(Ticket).options(joinedload(Ticket.product_model), joinedload(Ticket.assignee))
        .where(Ticket.customer_id == current_user.customer_id).order_by(Ticket.id.desc()).limit(100)).all()
    return render("customer/tickets.html", tickets=rows)


@bp.get("/tickets/<int:ticket_id>")
@roles_required("customer")
def ticket_detail(ticket_id: int):
    ticket = load_ticket(ticket_id)
    events = db.session.scalars(
        db.select(TicketEvent).where(TicketEvent.ticket_id == ticket.id, TicketEvent.customer_visible.is_(True))
        .order_by(TicketEvent.id)).all()
    documents = db.session.scalars(db.select(Document).where(Document.ticket_id == ticket.id)).all()
    return render("customer/ticket.html", ticket=ticket, events=events, documents=documents)
