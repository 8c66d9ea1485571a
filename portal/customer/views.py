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
from portal.services import entitlement
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


@bp.get("/tickets/<int:ticket_id>/entitlement")
@roles_required(*CUSTOMERS)
def ticket_entitlement(ticket_id: int):
    """What the customer may ask for under 三包, and why: loaded after their ticket page (or a page of its own)."""
    ticket = load_ticket(ticket_id, joinedload(Ticket.product_model))
    result = entitlement.of_ticket(ticket)
    decisions = entitlement.decisions(ticket)
    return render("customer/ticket_entitlement.html", "customer/_entitlement.html", ticket=ticket,
                  entitlement=result, entitlement_text=entitlement.explain(result),
                  entitlement_options=entitlement.options_text(result), decision=decisions[0] if decisions else None)
