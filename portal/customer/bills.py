"""The customer's bill of a ticket: the lines and who pays them, the payments, the bill PDF, the invoice request
and, once issued, the e-invoice file."""
from flask import abort, current_app, redirect, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from portal import labels
from portal.customer.blueprint import bp
from portal.domain.roles import CUSTOMERS
from portal.domain.workflow import FINAL
from portal.extensions import db
from portal.models import Bill, InvoiceRequest, Ticket
from portal.services import billing, payments, rma
from portal.services.storage import path_of
from portal.web.access import load_ticket, roles_required
from portal.web.bill_points_form import BillPointsForm
from portal.web.fields import strip, to_choices
from portal.web.forms import refused, saved, submit
from portal.web.render import render


class InvoiceRequestForm(FlaskForm):
    kind = RadioField(_l("Invoice"), choices=to_choices(labels.INVOICE_KIND.items()), default="ordinary")
    title_kind = RadioField(_l("Made out to"), choices=to_choices(labels.INVOICE_TITLE_KIND.items()),
                            default="company")
    title = StringField(_l("Title (name on the invoice)"), filters=[strip],
                        validators=[DataRequired(), Length(max=200)])
    tax_number = StringField(_l("Tax number (统一社会信用代码)"), filters=[strip], validators=[Length(max=20)],
                             description=_l("15 to 20 letters and digits; required for a company"))
    address = StringField(_l("Registered address"), filters=[strip], validators=[Length(max=300)])
    phone = StringField(_l("Registered phone"), filters=[strip], validators=[Length(max=40)])
    bank = StringField(_l("Bank"), filters=[strip], validators=[Length(max=120)])
    bank_account = StringField(_l("Bank account"), filters=[strip], validators=[Length(max=40)])
    email = StringField(_l("E-mail for the invoice"), filters=[strip], validators=[Optional(), Email(),
                                                                                  Length(max=254)])


def _bill(ticket: Ticket) -> Bill:
    bill = db.session.scalar(db.select(Bill).where(Bill.ticket_id == ticket.id))
    if bill is None:
        abort(404)
    return bill


def _page(ticket: Ticket, bill: Bill, form=None, status=200):
    request = db.session.scalar(db.select(InvoiceRequest).where(InvoiceRequest.bill_id == bill.id))
    if form is None:
        form = InvoiceRequestForm(formdata=None, title=ticket.customer.name,
                                  title_kind="company" if ticket.customer.kind == "company" else "person")
    return render("customer/bill.html", http_status=status, ticket=ticket, record=bill,
                  bill=payments.bill_lines_summary(bill), invoice=request, form=form, refunds=rma.refunds_of(bill))


@bp.get("/tickets/<int:ticket_id>/bill")
@roles_required(*CUSTOMERS)
def bill_page(ticket_id: int):
    ticket = load_ticket(ticket_id)
    return _page(ticket, _bill(ticket))


def _points_page(ticket: Ticket, form=None, status=200):
    """The bill as it would be now, with the customer's points to spend on it before signing."""
    bill = billing.bill_of(ticket)
    if bill is not None and bill.is_frozen:
        abort(409)
    computed = billing.compute(ticket)
    choice = billing.points_choice(ticket, computed)
    return render("customer/bill_points.html", http_status=status, ticket=ticket, bill=billing.summary(computed),
                  points_choice=choice, points_form=form or BillPointsForm(formdata=None, points=choice["held"]),
                  points_action=url_for("customer.bill_points", ticket_id=ticket.id))


@bp.get("/tickets/<int:ticket_id>/points")
@roles_required(*CUSTOMERS)
def bill_points_page(ticket_id: int):
    ticket = load_ticket(ticket_id)
    if ticket.status in FINAL:
        abort(404)
    bill = billing.bill_of(ticket)
    if bill is not None and bill.is_frozen:
        return redirect(url_for("customer.bill_page", ticket_id=ticket.id))
    return _points_page(ticket)


@bp.post("/tickets/<int:ticket_id>/points")
@roles_required(*CUSTOMERS)
def bill_points(ticket_id: int):
    ticket = load_ticket(ticket_id)
    form = BillPointsForm()
    return submit(form, lambda f: billing.spend_points(ticket, current_user, f.points.data),
                  done=lambda _r: saved(_("Your points are held for this bill."),
                                        url_for("customer.bill_points_page", ticket_id=ticket.id)),
                  again=lambda status, error: refused(form, status, lambda code: _points_page(ticket, form, code),
                                                      error))


@bp.post("/tickets/<int:ticket_id>/invoice")
@roles_required(*CUSTOMERS)
def invoice_request(ticket_id: int):
    ticket = load_ticket(ticket_id)
    bill = _bill(ticket)
    form = InvoiceRequestForm()
    return submit(form, lambda f: payments.request_invoice(bill, current_user, {k: f[k].data for k in (
        "kind", "title_kind", "title", "tax_number", "address", "phone", "bank", "bank_account", "email")}),
        done=lambda _r: saved(_("Your invoice request is sent."), url_for("customer.bill_page", ticket_id=ticket.id)),
        again=lambda status, error: refused(form, status, lambda code: _page(ticket, bill, form, code), error))


@bp.get("/tickets/<int:ticket_id>/bill.pdf")
@roles_required(*CUSTOMERS)
def bill_pdf(ticket_id: int):
    ticket = load_ticket(ticket_id)
    bill = _bill(ticket)
    response = current_app.response_class(payments.bill_pdf(bill), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{bill.number}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/tickets/<int:ticket_id>/invoice")
@roles_required(*CUSTOMERS)
def invoice_file(ticket_id: int):
    ticket = load_ticket(ticket_id)
    bill = _bill(ticket)
    request = db.session.scalar(db.select(InvoiceRequest).where(InvoiceRequest.bill_id == bill.id))
    if request is None or request.file_key is None:
        abort(404)
    response = send_file(path_of(request.file_key), mimetype=request.file_type, as_attachment=True,
                         download_name=request.file_name)
    response.headers["Cache-Control"] = "private, no-store"
    return response
