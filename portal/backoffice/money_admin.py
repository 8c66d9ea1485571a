"""Administrators' price lists and service contracts: listed, created and edited (changes in the security log).
Contracts are ended by their dates or deactivated, never deleted: bills refer to them."""
from flask import abort, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.backoffice.blueprint import bp
from portal.backoffice.money_forms import ContractForm, PriceListForm, serial_list
from portal.backoffice.stale_forms import open_on, refusal
from portal.domain.roles import ADMINS
from portal.extensions import db
from portal.models import Customer, PriceList, ProductModel, ServiceContract
from portal.services import price_lists
from portal.web.access import roles_required
from portal.web.fields import to_choices
from portal.web.forms import saved, submit
from portal.web.render import render


def _get(cls, record_id: int):
    record = db.session.get(cls, record_id)
    if record is None:
        abort(404)
    return record


@bp.get("/admin/price-lists")
@roles_required(*ADMINS)
def price_list_index():
    return render("backoffice/price_lists.html", lists=price_lists.price_lists(),
                  contracts=price_lists.contracts())


def _price_form_page(form, record, status=200):
    title = record.name if record else _("New price list")
    return render("backoffice/master_form.html", http_status=status, form=form, title=title,
                  back=url_for("backoffice.price_list_index"))


def _save_price_list(form, record):
    def use_case(f):
        data = {name: f[name].data for name in price_lists.PRICE_FIELDS}
        data["callout_zones"] = {k: v[0] for k, v in data["callout_zones"].items()}
        return price_lists.save_price_list(record, data, current_user, seen=f.seen.data)
    return submit(form, use_case,
                  done=lambda r: saved(_("%(name)s saved.", name=r.name), url_for("backoffice.price_list_index")),
                  again=refusal(form, lambda code: _price_form_page(form, record, code)))


@bp.route("/admin/price-lists/new", methods=["GET", "POST"])
@roles_required(*ADMINS)
def price_list_new():
    form = PriceListForm()
    return _price_form_page(form, None) if not form.is_submitted() else _save_price_list(form, None)


@bp.route("/admin/price-lists/<int:record_id>/edit", methods=["GET", "POST"])
@roles_required(*ADMINS)
def price_list_edit(record_id: int):
    record = _get(PriceList, record_id)
    form = PriceListForm(obj=record)
    if not form.is_submitted():
        open_on(form, record, price_lists.PRICE_FIELDS)
        return _price_form_page(form, record)
    return _save_price_list(form, record)


CONTRACT_TITLE = _l("New service contract")


def _contract_form(record=None):
    form = ContractForm(obj=record)
    if record is not None and not form.is_submitted():
        form.serials.data = "\n".join(record.serials or [])
    companies = db.session.execute(db.select(Customer.id, Customer.name).where(
        Customer.kind == "company", Customer.active.is_(True)).order_by(Customer.name)).all()
    form.customer_id.choices = to_choices([("", _("Choose the customer"))] + [(c.id, c.name) for c in companies])
    models = db.session.execute(db.select(ProductModel.id, ProductModel.code, ProductModel.name)
                                .where(ProductModel.active.is_(True)).order_by(ProductModel.code)).all()
    form.product_model_ids.choices = [(m.id, f"{m.code} {m.name}") for m in models]
    return form


def _contract_page(form, record, status=200):
    return render("backoffice/master_form.html", http_status=status, form=form,
                  title=record.number if record else CONTRACT_TITLE, back=url_for("backoffice.price_list_index"))


def _save_contract(form, record):
    def use_case(f):
        data = {name: f[name].data for name in price_lists.CONTRACT_FIELDS}
        data["serials"] = serial_list(f.serials.data)
        data["product_model_ids"] = list(f.product_model_ids.data or [])
        data["covers"] = list(f.covers.data or [])
        return price_lists.save_contract(record, data, current_user, seen=f.seen.data)
    return submit(form, use_case,
                  done=lambda r: saved(_("%(name)s saved.", name=r.number), url_for("backoffice.price_list_index")),
                  again=refusal(form, lambda code: _contract_page(form, record, code)))


@bp.route("/admin/contracts/new", methods=["GET", "POST"])
@roles_required(*ADMINS)
def contract_new():
    form = _contract_form()
    return _contract_page(form, None) if not form.is_submitted() else _save_contract(form, None)


@bp.route("/admin/contracts/<int:record_id>/edit", methods=["GET", "POST"])
@roles_required(*ADMINS)
def contract_edit(record_id: int):
    record = _get(ServiceContract, record_id)
    form = _contract_form(record)
    if not form.is_submitted():
        open_on(form, record, price_lists.CONTRACT_FIELDS)
        return _contract_page(form, record)
    return _save_contract(form, record)
