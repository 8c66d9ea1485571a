"""The back office's money: unpaid bills and invoice requests with filters and an XLSX export, a bill with the
payments taken at the desk, and marking an invoice issued with its e-invoice file."""
from datetime import date

from flask import Response, abort, current_app, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from portal import labels
from portal.backoffice.blueprint import bp
from portal.domain.roles import DESK, STAFF, SUPERVISORS
from portal.extensions import db
from portal.models import Bill, InvoiceRequest
from portal.services import billing, payments, rma
from portal.services.storage import path_of
from portal.web.access import load_ticket, roles_required
from portal.web.bill_points_form import BillPointsForm
from portal.web.fields import PriceField, strip, to_choices
from portal.web.forms import ButtonForm, refused, saved, submit
from portal.web.render import render


class IssueForm(FlaskForm):
    invoice_number = StringField(_l("Invoice number"), filters=[strip], validators=[DataRequired(), Length(max=40)])
    file = FileField(_l("Electronic invoice (PDF, OFD or XML)"))


class DeskPaymentForm(FlaskForm):
    method = SelectField(_l("Payment method"), choices=to_choices(labels.PAYMENT_METHOD.items()))
    amount = PriceField(_l("Amount (CNY)"))
    reference = StringField(_l("Reference number"), filters=[strip], validators=[Optional(), Length(max=64)])


def _since() -> date | None:
    try:
        return date.fromisoformat(request.args.get("since", ""))
    except ValueError:
        return None


def _filters() -> dict:
    bills = request.args.get("bills", "unpaid")
    invoices = request.args.get("invoices", "pending")
    return {"bills": bills if bills in ("unpaid", "all") else "unpaid",
            "invoices": invoices if invoices in ("pending", "issued", "all") else "pending", "since": _since()}


@bp.get("/money")
@roles_required(*STAFF)
def money_lists():
    filters = _filters()
    bills, requests = payments.money_lists(**filters)
    return render("backoffice/money.html", bills=bills, requests=requests, filters=filters,
                  export_url=url_for("backoffice.money_export", **{k: v for k, v in request.args.items()}))


@bp.get("/money/export.xlsx")
@roles_required(*STAFF)
def money_export():
    bills, requests = payments.money_lists(**_filters(), limit=10_000)
    return Response(payments.export_xlsx(bills, requests),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": "attachment; filename=bills-invoices.xlsx"})


def _request(request_id: int) -> InvoiceRequest:
    record = db.session.get(InvoiceRequest, request_id)
    if record is None:
        abort(404)
    return record


def _issue_page(record, form, status=200):
    return render("backoffice/invoice_issue.html", http_status=status, record=record, form=form)


@bp.route("/money/invoices/<int:request_id>/issue", methods=["GET", "POST"])
@roles_required(*STAFF)
def invoice_issue(request_id: int):
    record = _request(request_id)
    form = IssueForm()
    if request.method == "GET":
        return _issue_page(record, form)

    def use_case(f):
        upload = f.file.data
        data = upload.read(payments.MAX_INVOICE_FILE + 1) if upload else b""
        return payments.mark_issued(record, current_user, number=f.invoice_number.data,
                                    filename=getattr(upload, "filename", "") or "", data=data)
    return submit(form, use_case, done=lambda _r: saved(_("Marked issued."), url_for("backoffice.money_lists")),
                  again=lambda status, error: refused(form, status, lambda code: _issue_page(record, form, code),
                                                      error))


@bp.get("/money/invoices/<int:request_id>/file")
@roles_required(*STAFF)
def invoice_download(request_id: int):
    record = _request(request_id)
    if record.file_key is None:
        abort(404)
    return send_file(path_of(record.file_key), mimetype=record.file_type, as_attachment=True,
                     download_name=record.file_name)


def _bill(bill_id: int) -> Bill:
    bill = db.session.get(Bill, bill_id)
    if bill is None:
        abort(404)
    return bill


def _bill_page(bill, form=None, status=200):
    return render("backoffice/bill.html", http_status=status, record=bill, bill=payments.bill_lines_summary(bill),
                  refunds=rma.refunds_of(bill),
                  form=form or DeskPaymentForm(formdata=None, amount=bill.outstanding_fen or None))


@bp.get("/bills/<int:bill_id>")
@roles_required(*STAFF)
def bill_detail(bill_id: int):
    return _bill_page(_bill(bill_id))


@bp.post("/bills/<int:bill_id>/payment")
@roles_required(*STAFF)
def bill_payment(bill_id: int):
    bill = _bill(bill_id)
    form = DeskPaymentForm()
    return submit(form, lambda f: payments.record_payment(bill.ticket, current_user, method=f.method.data,
                                                         amount_fen=f.amount.data, reference=f.reference.data),
                  done=lambda _r: saved(_("Payment recorded."), url_for("backoffice.bill_detail", bill_id=bill.id)),
                  again=lambda status, error: refused(form, status, lambda code: _bill_page(bill, form, code), error))


@bp.get("/bills/<int:bill_id>/bill.pdf")
@roles_required(*STAFF)
def bill_pdf(bill_id: int):
    bill = _bill(bill_id)
    response = current_app.response_class(payments.bill_pdf(bill, mask_contact=False), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{bill.number}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/tickets/<int:ticket_id>/bill")
@roles_required(*STAFF)
def ticket_bill(ticket_id: int):
    """The ticket's bill as it stands (before signing: computed from what is recorded), and whether the customer
    must approve it again."""
    ticket = load_ticket(ticket_id)
    computed = billing.compute(ticket)
    record = billing.bill_of(ticket)
    if record is not None and record.is_frozen:
        return redirect(url_for("backoffice.bill_detail", bill_id=record.id))
    return _ticket_bill_page(ticket, computed, record)


class GoodwillForm(FlaskForm):
    key = StringField(validators=[DataRequired(), Length(max=100)])
    reason = StringField(_l("Reason (shown to the customer)"), filters=[strip],
                         validators=[DataRequired(), Length(max=300)])


def _ticket_bill_page(ticket, computed=None, record=None, goodwill_form=None, status=200, points_form=None):
    computed = computed or billing.compute(ticket)
    choice = billing.points_choice(ticket, computed)
    return render("backoffice/ticket_bill.html", http_status=status, ticket=ticket, bill=billing.summary(computed),
                  record=record or billing.bill_of(ticket), approval=billing.approval_needed(ticket, computed),
                  form=ButtonForm(), goodwill_form=goodwill_form or GoodwillForm(formdata=None),
                  can_waive=current_user.role in SUPERVISORS, points_choice=choice,
                  points_form=points_form or BillPointsForm(formdata=None, points=choice["held"] if choice else 0),
                  points_action=url_for("backoffice.ticket_bill_points", ticket_id=ticket.id))


@bp.post("/tickets/<int:ticket_id>/bill/points")
@roles_required(*DESK)
def ticket_bill_points(ticket_id: int):
    """The desk spends the customer's points on the bill before signing (the customer asked on the phone)."""
    ticket = load_ticket(ticket_id)
    form = BillPointsForm()
    return submit(form, lambda f: billing.spend_points(ticket, current_user, f.points.data),
                  done=lambda _r: saved(_("The points are held for the bill."),
                                        url_for("backoffice.ticket_bill", ticket_id=ticket.id)),
                  again=lambda status, error: refused(form, status, lambda code: _ticket_bill_page(
                      ticket, points_form=form, status=code), error))


@bp.post("/tickets/<int:ticket_id>/bill/goodwill")
@roles_required(*SUPERVISORS)
def ticket_bill_goodwill(ticket_id: int):
    ticket = load_ticket(ticket_id)
    form = GoodwillForm()
    return submit(form, lambda f: billing.grant_goodwill(ticket, current_user, key=f.key.data, reason=f.reason.data),
                  done=lambda _r: saved(_("The line is waived."), url_for("backoffice.ticket_bill",
                                                                          ticket_id=ticket.id)),
                  again=lambda status, error: refused(form, status, lambda code: _ticket_bill_page(
                      ticket, goodwill_form=form, status=code), error))


@bp.post("/tickets/<int:ticket_id>/bill/quote")
@roles_required(*DESK)
def ticket_bill_quote(ticket_id: int):
    ticket = load_ticket(ticket_id)
    back = url_for("backoffice.ticket_bill", ticket_id=ticket.id)
    return submit(ButtonForm(), lambda f: billing.quote_from_bill(ticket, current_user),
                  done=lambda _r: saved(_("The bill is sent to the customer for approval."), back),
                  again=lambda status, error: saved(str(error.message) if error else _("The form has expired; "
                                                    "reload the page."), back, category="error"))
