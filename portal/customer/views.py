"""Customer views: only their own company's tickets, only customer-visible events."""
import sqlalchemy as sa
from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm import joinedload
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Length, Optional

from portal.customer.actions import customer_actions
from portal.customer.blueprint import bp
from portal.customer.follow import detail_context, held, listed_promise
from portal.domain.roles import CUSTOMERS
from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import ServicePoint, Ticket
from portal.services import depot, entitlement
from portal.services.transitions import allowed_actions
from portal.web.access import load_ticket, roles_required, seen
from portal.web.fields import strip, to_choices
from portal.web.forms import refused, saved, submit
from portal.web.render import render


@bp.get("/tickets")
@roles_required(*CUSTOMERS)
def tickets():
    rows = db.session.scalars(
        db.select(Ticket).options(joinedload(Ticket.product_model), joinedload(Ticket.assignee))
        .where(Ticket.customer_id == current_user.customer_id).order_by(Ticket.id.desc()).limit(100)).all()
    now = utcnow()
    return render("customer/tickets.html", tickets=rows, promises={t.id: listed_promise(t, now) for t in rows})


# Built once, the ticket's id bound (building a statement anew cost about as much as running it).
_DETAIL_TICKET = (db.select(Ticket).options(joinedload(Ticket.product_model), joinedload(Ticket.assignee))
                  .where(Ticket.id == sa.bindparam("ticket_id")))


@bp.get("/tickets/<int:ticket_id>")
@roles_required(*CUSTOMERS)
def ticket_detail(ticket_id: int):
    ticket = seen(db.session.scalar(_DETAIL_TICKET, {"ticket_id": ticket_id}))
    present = held(ticket)
    context = detail_context(ticket, present)
    return render("customer/ticket.html", **context,
                  act=customer_actions(ticket, present=present, events=context["events"]))


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


class SendUnitForm(FlaskForm):
    carrier = SelectField(_l("Carrier"), validate_choice=False)
    tracking_number = StringField(_l("Tracking number"), filters=[strip], validators=[Optional(), Length(max=60)])
    confirm_misfit = BooleanField(_l("The number is right even though it does not look like this carrier's"))


def _depot_page(ticket: Ticket, form: SendUnitForm, status: int = 200):
    form.carrier.choices = to_choices([("", _("Choose a carrier"))] + [(c.code, c.name) for c in depot.carrier_list()])
    points = db.session.scalars(db.select(ServicePoint).where(ServicePoint.active.is_(True))
                                .order_by(ServicePoint.name)).all()
    return render("customer/ticket_depot.html", "customer/_depot.html", http_status=status, ticket=ticket,
                  form=form, parcels=depot.parcels(ticket), points=points,
                  carriers={c.code: c for c in depot.carrier_list()},
                  can_send="send_unit" in allowed_actions(ticket, current_user))


@bp.route("/tickets/<int:ticket_id>/parcels", methods=["GET", "POST"])
@roles_required(*CUSTOMERS)
def ticket_parcels(ticket_id: int):
    """A depot ticket's parcels for the customer: where to send the unit, the tracking number they sent it with,
    the way back."""
    ticket = load_ticket(ticket_id)
    if ticket.mode != "depot":
        abort(404)
    form = SendUnitForm()
    if request.method == "GET":
        return _depot_page(ticket, SendUnitForm(formdata=None))
    return submit(form, lambda f: depot.send_unit(ticket, current_user, method="parcel", carrier_code=f.carrier.data,
                                                  number=f.tracking_number.data,
                                                  confirm_misfit=f.confirm_misfit.data),
                  again=lambda code, error: refused(form, code, lambda c: _depot_page(ticket, form, c), error),
                  done=lambda _r: saved(_("Thank you: we will tell you when the unit arrives."),
                                        url_for("customer.ticket_detail", ticket_id=ticket.id)))
