"""Desk: the customer master data: the list with search and pages, creating and editing customers, their
contacts and sites, deactivating (nothing a ticket refers to is deleted)."""
from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.backoffice.blueprint import bp
from portal.backoffice.customer_forms import ContactForm, CustomerForm, SiteForm, UnitForm
from portal.backoffice.customers import load_customer
from portal.backoffice.stale_forms import open_on, show_changes
from portal.domain.money import fen_to_yuan
from portal.domain.roles import DESK, STAFF, SUPERVISORS, Role
from portal.extensions import db
from portal.models import Asset, Contact, CustomerAddress, ProductModel, User
from portal.services import customer_records, tiers
from portal.web.access import roles_required
from portal.web.fields import to_choices
from portal.web.forms import ButtonForm, refused, saved, submit
from portal.web.render import render

PAGE_SIZE = 25
MANAGER_ROLES = (Role.AGENT, Role.SUPERVISOR, Role.ADMIN)


@bp.get("/customers")
@roles_required(*STAFF)
def customer_list():
    """Customers by name, or found by name, phone, e-mail, serial or ticket number; htmx swaps the rows."""
    query = request.args.get("q", "")[:100]
    number = max(1, min(request.args.get("page", 1, type=int) or 1, 10_000))
    inactive = request.args.get("inactive") == "1"
    page = customer_records.listing(query, number, PAGE_SIZE, inactive)
    return render("backoffice/customers.html", "backoffice/_customer_rows.html", q=query, inactive=inactive,
                  page=page, can_edit=current_user.role in DESK, can_import=current_user.role in SUPERVISORS)


def _customer_form(customer=None) -> CustomerForm:
    form = CustomerForm(obj=customer)
    managers = db.session.execute(db.select(User.id, User.name).where(
        User.role.in_(MANAGER_ROLES), User.active.is_(True)).order_by(User.name)).all()
    form.account_manager_id.choices = to_choices([("", _("None"))] + [(u.id, u.name) for u in managers])
    form.tier.choices = to_choices(tiers.choices(customer.tier if customer is not None else None))
    return form


def _customer_data(form: CustomerForm) -> dict:
    return {f: form[f].data for f in customer_records.CUSTOMER_FIELDS}


def _edit_page(form, customer, status=200):
    return render("backoffice/customer_form.html", http_status=status, form=form, customer=customer)


@bp.route("/customers/new", methods=["GET", "POST"])
@roles_required(*DESK)
def customer_new():
    form = _customer_form()
    if request.method == "GET":
        return _edit_page(form, None)
    return submit(form, lambda f: customer_records.save_customer(None, _customer_data(f), current_user),
                  done=lambda c: saved(_("Customer %(name)s created.", name=c.name),
                                       url_for("backoffice.customer_detail", customer_id=c.id)),
                  again=lambda status, error: refused(form, status, lambda code: _edit_page(form, None, code)))


@bp.route("/customers/<int:customer_id>/edit", methods=["GET", "POST"])
@roles_required(*DESK)
def customer_edit(customer_id: int):
    customer = load_customer(customer_id)
    form = _customer_form(customer)
    if request.method == "GET":
        open_on(form, customer, customer_records.CUSTOMER_FIELDS)
        return _edit_page(form, customer)

    def again(status, error):
        show_changes(form, error)
        return refused(form, status, lambda code: _edit_page(form, customer, code), error)

    return submit(form, lambda f: customer_records.save_customer(customer, _customer_data(f), current_user,
                                                                 seen=f.seen.data),
                  done=lambda c: saved(_("Customer %(name)s saved.", name=c.name),
                                       url_for("backoffice.customer_detail", customer_id=c.id)),
                  again=again)


@bp.post("/customers/<int:customer_id>/active")
@roles_required(*SUPERVISORS)
def customer_active(customer_id: int):
    """Deactivate (no longer found at intake; tickets keep it) or reactivate a customer."""
    customer = load_customer(customer_id)
    form = ButtonForm()
    active = request.form.get("active") == "1"
    back = url_for("backoffice.customer_detail", customer_id=customer.id)
    return submit(form, lambda f: customer_records.set_customer_active(customer, active, current_user),
                  done=lambda _r: saved(_("Customer reactivated.") if active else _("Customer deactivated."), back),
                  again=lambda status, error: _expired(back))


def _expired(back: str):
    return saved(_("The form has expired; reload the page."), back, category="error")


def _contact(customer, contact_id):
    contact = db.session.get(Contact, contact_id)
    if contact is None or contact.customer_id != customer.id:
        abort(404)
    return contact


def _contact_page(form, customer, contact, status=200):
    return render("backoffice/contact_form.html", http_status=status, form=form, customer=customer, contact=contact)


@bp.route("/customers/<int:customer_id>/contacts/new", methods=["GET", "POST"],
          defaults={"contact_id": None}, endpoint="contact_new")
@bp.route("/customers/<int:customer_id>/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@roles_required(*DESK)
def contact_edit(customer_id: int, contact_id: int | None):
    customer = load_customer(customer_id)
    contact = _contact(customer, contact_id) if contact_id else None
    form = ContactForm(obj=contact)
    if request.method == "GET":
        open_on(form, contact, customer_records.CONTACT_FIELDS)
        return _contact_page(form, customer, contact)

    def again(status, error):
        show_changes(form, error)
        return refused(form, status, lambda code: _contact_page(form, customer, contact, code), error)

    return submit(form, lambda f: customer_records.save_contact(
        customer, contact, {"name": f.name.data, "phone": f.phone.data, "email": f.email.data}, current_user,
        seen=f.seen.data),
        done=lambda c: saved(_("Contact %(name)s saved.", name=c.name),
                             url_for("backoffice.customer_detail", customer_id=customer.id)),
        again=again)


@bp.post("/customers/<int:customer_id>/contacts/<int:contact_id>/active")
@roles_required(*DESK)
def contact_active(customer_id: int, contact_id: int):
    customer = load_customer(customer_id)
    contact = _contact(customer, contact_id)
    active = request.form.get("active") == "1"
    back = url_for("backoffice.customer_detail", customer_id=customer.id)
    return submit(ButtonForm(), lambda f: customer_records.set_contact_active(contact, active, current_user),
                  done=lambda _r: saved(_("Contact reactivated.") if active else _("Contact deactivated."), back),
                  again=lambda status, error: _expired(back))


def _site_page(form, customer, site, status=200):
    return render("backoffice/site_form.html", http_status=status, form=form, customer=customer, site=site)


@bp.route("/customers/<int:customer_id>/sites/new", methods=["GET", "POST"],
          defaults={"site_id": None}, endpoint="site_new")
@bp.route("/customers/<int:customer_id>/sites/<int:site_id>/edit", methods=["GET", "POST"])
@roles_required(*DESK)
def site_edit(customer_id: int, site_id: int | None):
    customer = load_customer(customer_id)
    site = db.session.get(CustomerAddress, site_id) if site_id else None
    if site_id and (site is None or site.customer_id != customer.id):
        abort(404)
    form = SiteForm(obj=site)
    if request.method == "GET":
        open_on(form, site, customer_records.SITE_FIELDS)
        return _site_page(form, customer, site)

    def again(status, error):
        show_changes(form, error)
        return refused(form, status, lambda code: _site_page(form, customer, site, code), error)

    return submit(form, lambda f: customer_records.save_site(
        customer, site, {"label": f.label.data, "address": f.address.data, "is_default": f.is_default.data},
        current_user, seen=f.seen.data),
        done=lambda s: saved(_("Address saved."), url_for("backoffice.customer_detail", customer_id=customer.id)),
        again=again)


def _unit_page(form, customer, unit, status=200):
    return render("backoffice/master_form.html", http_status=status, form=form,
                  title=f"{customer.name} · {unit.serial if unit else _('New unit')}",
                  back=url_for("backoffice.customer_detail", customer_id=customer.id))


@bp.route("/customers/<int:customer_id>/units/new", methods=["GET", "POST"], defaults={"unit_id": None},
          endpoint="unit_new")
@bp.route("/customers/<int:customer_id>/units/<int:unit_id>/edit", methods=["GET", "POST"])
@roles_required(*DESK)
def unit_edit(customer_id: int, unit_id: int | None):
    """Register a unit of the customer, or correct one (serial, model, dates, channel, extended warranty)."""
    customer = load_customer(customer_id)
    unit = db.session.get(Asset, unit_id) if unit_id else None
    if unit_id and (unit is None or unit.customer_id != customer.id):
        abort(404)
    form = UnitForm(obj=unit, price_paid=fen_to_yuan(unit.price_paid_fen) if unit and unit.price_paid_fen else None)
    models = db.session.execute(db.select(ProductModel.id, ProductModel.code, ProductModel.name)
                                .where(ProductModel.active.is_(True)).order_by(ProductModel.code)).all()
    form.product_model_id.choices = to_choices([("", _("Choose a model"))] + [(m.id, f"{m.code} {m.name}")
                                                                            for m in models])
    if request.method == "GET":
        return _unit_page(form, customer, unit)
    return submit(form, lambda f: customer_records.save_unit(
        customer, unit, {name: f[name].data for name in customer_records.UNIT_FIELDS}, current_user),
        done=lambda u: saved(_("Unit %(serial)s saved.", serial=u.serial),
                             url_for("backoffice.customer_detail", customer_id=customer.id)),
        again=lambda status, error: refused(form, status, lambda code: _unit_page(form, customer, unit, code)))


@bp.get("/units")
@roles_required(*STAFF)
def unit_search():
    """Registered units by the start of their serial number, with their customer."""
    query = request.args.get("q", "")[:80]
    return render("backoffice/units.html", q=query, units=customer_records.find_units(query),
                  can_import=current_user.role in SUPERVISORS)
