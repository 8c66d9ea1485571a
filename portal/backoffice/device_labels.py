"""Desk: printable sheets of QR labels (A4, 3 × 8) for a customer's units, the ones ticked or all of them."""
from flask import current_app, request
from flask_babel import gettext as _

from portal.backoffice.blueprint import bp
from portal.backoffice.customers import customer_context, load_customer
from portal.domain.device_label import PER_SHEET
from portal.domain.roles import STAFF
from portal.services import ServiceError, device_labels
from portal.web.access import roles_required
from portal.web.render import render


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()][:500]


@bp.get("/customers/<int:customer_id>/labels.pdf")
@roles_required(*STAFF)
def label_sheet(customer_id: int):
    """?unit=<id>&unit=<id>: those units of the customer; none: every unit. ?skip=n leaves the first n labels of
    the first sheet empty (a sheet already partly used)."""
    customer = load_customer(customer_id)
    chosen = _ids(request.args.getlist("unit"))
    skip = request.args.get("skip", 0, type=int) or 0
    assets = device_labels.labels_of(customer.id, chosen or None)
    try:
        if chosen and len(assets) != len(set(chosen)):
            raise ServiceError(_("Some of the chosen units are not this customer's."), status=404)
        data = device_labels.label_sheets(assets, max(0, min(skip, PER_SHEET - 1)))
    except ServiceError as error:
        return render("backoffice/customer.html", http_status=error.status, label_error=str(error.message),
                      **customer_context(customer))
    response = current_app.response_class(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="labels-customer-{customer.id}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
