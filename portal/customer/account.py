"""The customer's profile: their company's contacts, addresses, registered products, and their data."""
import json
from datetime import UTC, datetime

from flask import abort, current_app, flash, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length

from portal.access import roles_required
from portal.customer import bp
from portal.extensions import db
from portal.forms import strip
from portal.models import CustomerAddress
from portal.services import customer_data
from portal.web import redirect_to, render


class AddressForm(FlaskForm):
    label = StringField(_l("Name of the place"), filters=[strip], validators=[DataRequired(), Length(max=60)],
                        description=_l("For example: head office, plant 2, home"))
    address = StringField(_l("Address"), filters=[strip], validators=[DataRequired(), Length(max=300)])
    is_default = BooleanField(_l("Default address for visits"))


class ButtonForm(FlaskForm):
    """Only the CSRF token."""


def load_address(address_id: int) -> CustomerAddress:
    address = db.session.get(CustomerAddress, address_id)
    if address is None:
        abort(404)
    if current_user.customer_id is None or address.customer_id != current_user.customer_id:
        abort(403)
    return address


def _make_default(address: CustomerAddress) -> None:
    db.session.execute(db.update(CustomerAddress).where(
        CustomerAddress.customer_id == address.customer_id, CustomerAddress.id != address.id)
        .values(is_default=False))
    address.is_default = True


def profile_context(form: AddressForm | None = None) -> dict:
    return {"customer": current_user.customer, "contacts": customer_data.contacts_for(current_user),
            "addresses": customer_data.addresses_for(current_user), "assets": customer_data.assets_for(current_user),
            "form": form or AddressForm(formdata=None), "button": ButtonForm()}


def _no_customer():
    if current_user.customer_id is None:
        abort(403)


@bp.get("/profile")
@roles_required("customer")
def profile():
    _no_customer()
    return render("customer/profile.html", **profile_context())


@bp.post("/profile/addresses")
@roles_required("customer")
def add_address():
    _no_customer()
    form = AddressForm()
    if not form.validate_on_submit():
        return render("customer/profile.html", http_status=422, **profile_context(form))
    address = CustomerAddress(customer_id=current_user.customer_id, label=form.label.data,
                              address=form.address.data, is_default=False)
    db.session.add(address)
    db.session.flush()
    first = not db.session.scalar(db.select(CustomerAddress.id).where(
        CustomerAddress.customer_id == current_user.customer_id, CustomerAddress.id != address.id).limit(1))
    if form.is_default.data or first:
        _make_default(address)
    db.session.commit()
    flash(_("Address saved."), "success")
    return redirect_to(url_for("customer.profile") + "#addresses")


@bp.route("/profile/addresses/<int:address_id>", methods=["GET", "POST"])
@roles_required("customer")
def edit_address(address_id: int):
    address = load_address(address_id)
    form = AddressForm(obj=address)
    if form.validate_on_submit():
        address.label, address.address = form.label.data, form.address.data
        if form.is_default.data:
            _make_default(address)
        db.session.commit()
        flash(_("Address saved."), "success")
        return redirect_to(url_for("customer.profile") + "#addresses")
    return render("customer/address.html", form=form, address=address, http_status=422 if form.errors else 200)


@bp.post("/profile/addresses/<int:address_id>/delete")
@roles_required("customer")
def delete_address(address_id: int):
    address = load_address(address_id)
    was_default = address.is_default
    db.session.delete(address)
    db.session.flush()
    if was_default:
        successor = db.session.scalar(db.select(CustomerAddress).where(
            CustomerAddress.customer_id == current_user.customer_id).order_by(CustomerAddress.id).limit(1))
        if successor is not None:
            successor.is_default = True
    db.session.commit()
    flash(_("Address deleted."), "success")
    return redirect_to(url_for("customer.profile") + "#addresses")


@bp.post("/profile/addresses/<int:address_id>/default")
@roles_required("customer")
def default_address(address_id: int):
    address = load_address(address_id)
    _make_default(address)
    db.session.commit()
    flash(_("Default address set."), "success")
    return redirect_to(url_for("customer.profile") + "#addresses")


@bp.get("/profile/my-data.json")
@roles_required("customer")
def download_data():
    _no_customer()
    data = customer_data.export(current_user)
    data["exported_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    body = json.dumps(data, ensure_ascii=False, indent=2)
    response = current_app.response_class(body, mimetype="application/json")
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    response.headers["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.json"'
    response.headers["Cache-Control"] = "no-store"
    return response
