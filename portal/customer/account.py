"""The customer's profile: their company's contacts, addresses, registered products, and their data."""
import json
from datetime import UTC, datetime

from flask import abort, current_app, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length

from portal.customer.blueprint import bp
from portal.domain.roles import CUSTOMERS
from portal.extensions import db
from portal.models import CustomerAddress
from portal.services import customer_data, security_log
from portal.web.access import roles_required
from portal.web.fields import strip
from portal.web.forms import ButtonForm, refused, saved, submit
from portal.web.render import redirect_to, render


class AddressForm(FlaskForm):
    label = StringField(_l("Name of the place"), filters=[strip], validators=[DataRequired(), Length(max=60)],
                        description=_l("For example: head office, plant 2, home"))
    address = StringField(_l("Address"), filters=[strip], validators=[DataRequired(), Length(max=300)])
    is_default = BooleanField(_l("Default address for visits"))


def load_address(address_id: int) -> CustomerAddress:
    address = db.session.get(CustomerAddress, address_id)
    if address is None:
        abort(404)
    if current_user.customer_id is None or address.customer_id != current_user.customer_id:
        abort(403)
    return address


def profile_context(form: AddressForm | None = None) -> dict:
    return {"customer": current_user.customer, "contacts": customer_data.contacts_for(current_user),
            "addresses": customer_data.addresses_for(current_user), "assets": customer_data.assets_for(current_user),
            "form": form or AddressForm(formdata=None), "button": ButtonForm()}


def _no_customer():
    if current_user.customer_id is None:
        abort(403)


@bp.get("/profile")
@roles_required(*CUSTOMERS)
def profile():
    _no_customer()
    return render("customer/profile.html", **profile_context())


def _to_addresses(message):
    return saved(message, url_for("customer.profile") + "#addresses")


@bp.post("/profile/addresses")
@roles_required(*CUSTOMERS)
def add_address():
    _no_customer()
    form = AddressForm()
    return submit(form, lambda f: customer_data.add_address(current_user, label=f.label.data, text=f.address.data,
                                                            default=f.is_default.data),
                  done=lambda _a: _to_addresses(_("Address saved.")),
                  again=lambda status, error: refused(form, status, lambda code: render(
                      "customer/profile.html", http_status=code, **profile_context(form)), error))


@bp.route("/profile/addresses/<int:address_id>", methods=["GET", "POST"])
@roles_required(*CUSTOMERS)
def edit_address(address_id: int):
    address = load_address(address_id)
    form = AddressForm(obj=address)

    def page(status: int):
        return render("customer/address.html", form=form, address=address, http_status=status)

    if request.method == "GET":
        return page(200)
    return submit(form, lambda f: customer_data.update_address(address, label=f.label.data, text=f.address.data,
                                                               default=f.is_default.data),
                  done=lambda _r: _to_addresses(_("Address saved.")),
                  again=lambda status, error: refused(form, status, page, error))


@bp.post("/profile/addresses/<int:address_id>/delete")
@roles_required(*CUSTOMERS)
def delete_address(address_id: int):
    address = load_address(address_id)
    return submit(ButtonForm(), lambda f: customer_data.delete_address(address),
                  done=lambda _r: _to_addresses(_("Address deleted.")), again=_button_refused)


@bp.post("/profile/addresses/<int:address_id>/default")
@roles_required(*CUSTOMERS)
def default_address(address_id: int):
    address = load_address(address_id)
    return submit(ButtonForm(), lambda f: customer_data.make_default(address),
                  done=lambda _r: _to_addresses(_("Default address set.")), again=_button_refused)


def _button_refused(status, error):
    return render("customer/profile.html", http_status=status, **profile_context())


@bp.post("/profile/my-data.json")
@roles_required(*CUSTOMERS)
def download_data():
    """A form post (CSRF-checked, and logged in the security log), answered with the JSON file."""
    _no_customer()
    me = current_user._get_current_object()

    def export(_form):
        security_log.record(security_log.DATA_DOWNLOADED, user=me)
        return customer_data.export(me)

    def done(data):
        data["exported_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        body = json.dumps(data, ensure_ascii=False, indent=2)
        response = current_app.response_class(body, mimetype="application/json")
        stamp = datetime.now(UTC).strftime("%Y%m%d")
        response.headers["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.json"'
        response.headers["Cache-Control"] = "no-store"
        return response

    return submit(ButtonForm(), export, done=done,
                  again=lambda status, error: redirect_to(url_for("customer.profile") + "#my-data"))
