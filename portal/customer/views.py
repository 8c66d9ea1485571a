"""Customer views: only their own company's tickets, only customer-visible events."""
from flask_login import current_user
from sqlalchemy.orm import joinedload

from portal.customer.actions import customer_actions
from portal.customer.blueprint import bp
from portal.customer.follow import detail_context, held, listed_promise
from portal.domain.roles import CUSTOMERS
from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import Ticket
from portal.web.access import load_ticket, roles_required
from portal.web.render import render


@bp.get("/tickets")
@roles_required(*CUSTOMERS)
def tickets():
    rows = db.session.scalars(
        db.select(Ticket).options(joinedload(Ticket.product_model), joinedload(Ticket.assignee))
        .where(Ticket.customer_id == current_user.customer_id).order_by(Ticket.id.desc()).limit(100)).all()
    now = utcnow()
    return render("customer/tickets.html", tickets=rows, promises={t.id: listed_promise(t, now) for t in rows})


@bp.get("/tickets/<int:ticket_id>")
@roles_required(*CUSTOMERS)
def ticket_detail(ticket_id: int):
    ticket = load_ticket(ticket_id, joinedload(Ticket.product_model), joinedload(Ticket.assignee))
    present = held(ticket)
    return render("customer/ticket.html", **detail_context(ticket, present),
                  act=customer_actions(ticket, present=present))
